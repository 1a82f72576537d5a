"""Training institutions see records of their projects, not teachers' progress (#14 finding 6).

T1 attends proj1, a project of institution I1, so I1's staff may see T1 on that project's
records; nothing more of T1 is theirs to see or do.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from certificates.models import Certificate
from credits.services import approve_records
from institutions.choices import Role
from projects.choices import Category, Mode, RecordStatus, Tier
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory


def _complete_year(world, teacher):
    """12.6 + 2.1 + 4.2 credits in school year 2024-2025: the yearly 18 (004 六(三))."""
    plan = [
        (Category.COMPULSORY_PROFESSIONAL, Mode.CENTRALIZED, 48),
        (Category.ELECTIVE, Mode.CENTRALIZED, 8),
        (Category.SCHOOL_BASED, Mode.SCHOOL_BASED, 20),
    ]
    records = [
        TrainingRecordFactory(
            teacher=teacher,
            hours=Decimal(hours),
            completed_on=datetime.date(2025, 3, 5),
            project=TrainingProjectFactory(
                tier=Tier.REGION,
                issuing_unit=world.R,
                institution=world.I1,
                category=category,
                mode=mode,
                hours=hours,
            ),
            status=RecordStatus.DECLARED,
        )
        for category, mode, hours in plan
    ]
    approve_records(by=world.users[Role.COUNTY_OFFICER], record_ids=[r.pk for r in records])


def test_institution_staff_cannot_open_a_teachers_progress(client, world):
    """T1 attended I1's project, yet T1's progress page is a 404 for I1's staff."""
    client.force_login(world.users[Role.INSTITUTION_STAFF])
    response = client.get(reverse("certificates:teacher_progress", args=[world.T1.pk]))
    assert response.status_code == 404
    assert "张一" not in response.content.decode()


def test_institution_staff_cannot_issue_a_year_proof(client, world, settings, tmp_path):
    """Posting T1's year-proof URL as I1's staff issues nothing."""
    settings.MEDIA_ROOT = tmp_path
    _complete_year(world, world.T1)
    client.force_login(world.users[Role.INSTITUTION_STAFF])
    url = reverse("certificates:year_proof", args=[world.T1.pk, "2024-2025"])
    assert client.post(url).status_code == 404
    assert not Certificate.objects.filter(teacher=world.T1).exists()


@pytest.mark.parametrize(
    ("role", "may_issue"),
    [
        (Role.TEACHER, True),
        (Role.COUNTY_OFFICER, True),
        (Role.SCHOOL_ADMIN, False),
        (Role.INSTITUTION_STAFF, False),
    ],
)
def test_year_proof_is_issued_by_the_teacher_or_an_officer(
    client, world, settings, tmp_path, role, may_issue
):
    """The teacher for themself or an officer over them issues a proof; nobody else."""
    settings.MEDIA_ROOT = tmp_path
    _complete_year(world, world.T1)
    client.force_login(world.users[role])
    url = reverse("certificates:year_proof", args=[world.T1.pk, "2024-2025"])
    response = client.post(url)
    assert Certificate.objects.filter(teacher=world.T1, kind="year").exists() is may_issue
    assert response.status_code == (302 if may_issue else 404)


def test_school_admin_sees_progress_without_the_proof_button(client, world, settings, tmp_path):
    """The school admin reads T1's progress, but the page offers no proof it cannot issue."""
    settings.MEDIA_ROOT = tmp_path
    _complete_year(world, world.T1)
    client.force_login(world.users[Role.SCHOOL_ADMIN])
    page = client.get(reverse("certificates:teacher_progress", args=[world.T1.pk]))
    assert page.status_code == 200
    assert "学年学分证明" not in page.content.decode()
