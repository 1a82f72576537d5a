"""A teacher's progress page: from the ledger, offsets shown, constant queries, scoped."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credits.progress import teacher_progress
from credits.services import approve_records
from institutions.choices import Role
from projects.choices import Category, Mode, RecordStatus, Tier
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def _approved(world, teacher, n, **project):
    """Approve n records of `teacher` on new region projects (40 h centralized, pass)."""
    defaults = {"tier": Tier.REGION, "issuing_unit": world.R, "mode": Mode.CENTRALIZED}
    records = [
        TrainingRecordFactory(
            teacher=teacher,
            project=TrainingProjectFactory(**{**defaults, **project}),
            status=RecordStatus.DECLARED,
        )
        for _ in range(n)
    ]
    approve_records(by=world.users[Role.COUNTY_OFFICER], record_ids=[r.pk for r in records])
    return records


def test_progress_counts_the_ledger_and_applies_the_offset(world):
    """8 × 10.5 = 84 compulsory credits: 60 counted, 24 offset to elective 10 and school 14."""
    # given: 8 region-tier records, 40 h centralized, pass: 10 + 5% = 10.5 each (004 五(二))
    _approved(world, world.T2, 8, category=Category.COMPULSORY_PROFESSIONAL)
    # when
    view = teacher_progress(world.T2, as_of=datetime.date(2025, 12, 1))
    # then
    cycle = view.progress.cycle
    assert cycle.earned["compulsory"] == Decimal("84.00")
    assert cycle.offset == {"elective": Decimal(10), "school_based": Decimal(14)}
    assert cycle.counted["elective"] == Decimal(10)
    assert cycle.shortfall["school_based"] == Decimal(6)
    assert ("选修课程", Decimal(10)) in view.offset_lines


def test_teacher_sees_own_progress_but_not_another_teachers(client, world):
    """The progress page of another teacher is a 404, whatever id is tried."""
    client.force_login(world.users[Role.TEACHER])
    assert client.get(reverse("certificates:my_progress")).status_code == 200
    other = reverse("certificates:teacher_progress", args=[world.T2.pk])
    assert client.get(other).status_code == 404


def test_county_officer_opens_a_teachers_progress(client, world):
    """Officers see the progress of teachers in their county, not elsewhere."""
    client.force_login(world.users[Role.COUNTY_OFFICER])
    assert (
        client.get(reverse("certificates:teacher_progress", args=[world.T2.pk])).status_code == 200
    )
    assert (
        client.get(reverse("certificates:teacher_progress", args=[world.T3.pk])).status_code == 404
    )


def test_progress_page_queries_do_not_grow_with_records(client, world):
    """2 records or 20: the page runs the same number of queries."""
    client.force_login(world.users[Role.TEACHER])
    url = reverse("certificates:my_progress")
    _approved(world, world.T1, 2, category=Category.ELECTIVE)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _approved(world, world.T1, 18, category=Category.ELECTIVE)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert "已认定的记录" in response.content.decode()
