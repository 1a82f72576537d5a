"""seed_demo builds the Xinjiang demo once, fast and valid, and a second run changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import RequestFactory

from certificates.models import Certificate
from credits.models import CycleProgress
from institutions.choices import SchoolType, UnitLevel
from institutions.models import AdministrativeUnit, School, User
from projects.choices import Mode, Tier
from projects.models import TrainingProject, TrainingRecord
from trainees.models import Teacher
from trainees.national_id import validate_id_number

DEMO_USERNAMES = {
    "demo-teacher",
    "demo-school",
    "demo-county",
    "demo-prefecture",
    "demo-region",
    "demo-institution",
    "demo-admin",
}


@pytest.fixture
def seeded(db, settings, tmp_path):
    """Seed inside the test's transaction (rolled back afterwards) and seed a second time."""
    settings.MEDIA_ROOT = tmp_path
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    counts = _counts()
    call_command("seed_demo", stdout=second)
    return {"first": first.getvalue(), "second": second.getvalue(), "counts": counts}


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (AdministrativeUnit, School, Teacher, TrainingProject, TrainingRecord, User)
    }


def test_seed_demo_builds_xinjiang_once(seeded, client, settings, tmp_path):
    """seed_demo builds a realistic, valid Xinjiang dataset, and a second run changes nothing.

    One test seeds once: the dataset takes seconds to build, and every check reads it.
    """
    # The real tree, ~60 schools of every type, ~3,000 teachers, every tier and mode, 2024-2026.
    assert AdministrativeUnit.objects.filter(level=UnitLevel.PREFECTURE).count() == 14
    assert AdministrativeUnit.objects.filter(level=UnitLevel.COUNTY).count() == 98
    assert 50 <= School.objects.count() <= 80
    assert set(School.objects.values_list("school_type", flat=True)) == set(SchoolType.values)
    assert 2500 <= Teacher.objects.count() <= 3500
    assert set(TrainingProject.objects.values_list("tier", flat=True)) == set(Tier.values)
    assert set(TrainingProject.objects.values_list("mode", flat=True)) == set(Mode.values)
    assert 35_000 <= TrainingRecord.objects.count() <= 50_000
    years = {d.year for d in TrainingRecord.objects.dates("completed_on", "year")}
    assert years == {2024, 2025, 2026}

    # Every teacher's ID number passes the checksum and date checks.
    for number in Teacher.objects.values_list("id_number", flat=True).iterator():
        validate_id_number(number)

    # No demo project breaks 004 五(二)2: good-or-better ≤ 30%, excellent ≤ 15%.
    rows = TrainingRecord.objects.values("project").annotate(
        total=Count("pk"),
        excellent=Count("pk", filter=Q(grade="excellent")),
        good_or_better=Count("pk", filter=Q(grade__in=["good", "excellent"])),
    )
    for row in rows:
        assert row["excellent"] * 100 <= row["total"] * 15
        assert row["good_or_better"] * 100 <= row["total"] * 30

    # Each demo login authenticates with demo12345 and is listed at the end of the run.
    for username in DEMO_USERNAMES:
        login = RequestFactory().post("/accounts/login/")  # django-axes needs the request
        assert authenticate(login, username=username, password="demo12345") is not None
        assert username in seeded["first"]
    assert User.objects.get(username="demo-admin").is_superuser
    assert User.objects.get(username="demo-teacher").teacher_profile is not None

    # Teachers with complete, on-track and behind cycles; demo-teacher's certificate verifies.
    statuses = set(CycleProgress.objects.values_list("status", flat=True))
    assert {"complete", "on_track", "behind"} <= statuses
    teacher = User.objects.get(username="demo-teacher").teacher_profile
    assert CycleProgress.objects.get(teacher=teacher).status == "complete"
    certificate = Certificate.objects.get(teacher=teacher, kind="cycle")
    page = client.get(f"/verify/{certificate.number.number}/").content.decode()
    assert "有效" in page
    assert teacher.name not in page

    # Seeding again reports the data present and leaves every count as it was.
    assert "演示数据已存在" in seeded["second"]
    assert _counts() == seeded["counts"]
