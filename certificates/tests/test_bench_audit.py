"""bench_audit runs end to end at a tiny size and prints its JSON line (PostgreSQL only)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command


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
    assert set(figures) == {
        "teachers",
        "records",
        "audit_seconds",
        "teachers_per_second",
        "bare_sql_seconds",
        "ratio",
        "concurrency",
        "rerun_seconds",
        "peak_rss_mb",
    }
