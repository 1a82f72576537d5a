"""bench_audit runs end to end at a tiny size and prints its JSON line (PostgreSQL only)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

# The JSON keys issue #7 names, in its order.
ISSUE_KEYS = [
    "teachers",
    "records",
    "audit_seconds",
    "teachers_per_second",
    "bare_sql_seconds",
    "ratio",
    "peak_rss_mb",
]


@pytest.mark.postgres
@pytest.mark.django_db
def test_bench_audit_prints_its_figures():
    """The benchmark builds its own database, times the audit and the bare GROUP BY."""
    out = StringIO()
    call_command("bench_audit", "--teachers", "300", "--records-per-teacher", "3", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["teachers"] == 300
    assert figures["records"] == 900
    assert figures["audit_seconds"] > 0
    assert figures["bare_sql_seconds"] > 0
    assert figures["rerun_seconds"] > 0
    assert figures["full_audit_seconds"] > 0
    assert figures["changed_teachers"] == 6  # 2 % of 300
    assert list(figures)[:7] == ISSUE_KEYS  # the issue's keys first, in its order
    assert set(figures) == {
        *ISSUE_KEYS,
        "concurrency",
        "rerun_seconds",
        "changed_teachers",
        "full_audit_seconds",
        "full_teachers_per_second",
        "full_ratio",
    }
