"""`bench_import` runs at a tiny size, prints its JSON line last and leaves no data behind."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from institutions.models import User
from institutions.tests.factories import SchoolFactory
from projects.choices import Tier
from projects.models import TrainingRecord
from projects.tests.factories import TrainingProjectFactory
from trainees.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db


def _counts():
    return (
        TrainingRecord.objects.count(),
        TrainingRecord.history.model.objects.count(),
        User.objects.count(),
    )


def test_bench_import_smoke(settings, tmp_path):
    """50 rows from 10 teachers × 8 national projects: both imports run and are undone."""
    settings.MEDIA_ROOT = tmp_path / "media"
    school = SchoolFactory()
    TeacherFactory.create_batch(10, school=school)
    for _ in range(8):
        TrainingProjectFactory(tier=Tier.NATIONAL, issuing_unit=None)
    before = _counts()
    out = io.StringIO()
    call_command("bench_import", rows=50, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert list(result)[:6] == [
        "rows",
        "seconds",
        "rows_per_second",
        "baseline_rows_per_second",
        "speedup",
        "peak_rss_mb",
    ]
    assert (result["rows"], result["baseline_rows"], result["strings"]) == (50, 50, "shared")
    assert result["rows_per_second"] > 0
    assert result["baseline_rows_per_second"] > 0
    assert result["speedup"] == pytest.approx(
        result["rows_per_second"] / result["baseline_rows_per_second"], rel=0.01
    )
    assert 0 < result["peak_rss_mb"] < 2000
    assert _counts() == before
    assert not any((tmp_path / "media" / "imports").glob("*"))


def test_bench_import_says_when_the_data_is_too_small(settings, tmp_path):
    """More rows than unregistered teacher-project pairs: a clear error, nothing written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    TeacherFactory()
    TrainingProjectFactory(tier=Tier.NATIONAL, issuing_unit=None)
    before = _counts()
    with pytest.raises(CommandError, match="不够 5 行"):
        call_command("bench_import", rows=5, stdout=io.StringIO())
    assert _counts() == before
