"""The bureau's overview of the audit and its anomaly list, scoped to the jurisdiction."""

import datetime

import pytest
from django.urls import reverse

from audit.progress import recompute_county_progress
from credits.models import AnomalyKind, AuditAnomaly
from institutions.choices import Role

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 30)


def test_overview_counts_the_jurisdiction_and_lists_teachers_by_status(client, world):
    """A prefecture officer sees its counties' summaries, not another prefecture's."""
    for county in (world.C1, world.C3):
        recompute_county_progress(county_id=county.pk, as_of=AS_OF)
    client.force_login(world.users[Role.PREFECTURE_OFFICER])
    response = client.get(reverse("credits:overview"), {"status": "behind"})
    html = response.content.decode()
    assert response.context["teachers"] == 2  # T1, T2 of 甲一县; 李三 is in 乙地区
    assert "甲一县" in html
    assert "乙一县" not in html
    assert "张一" in html
    assert "李三" not in html


def test_anomalies_are_listed_and_marked_handled_with_who(client, world):
    """An officer marks an anomaly handled; another county's stays out of reach."""
    mine = AuditAnomaly.objects.create(
        county=world.C1,
        teacher=world.T1,
        kind=AnomalyKind.OVERLAP,
        key="overlap:1-2",
        record_ids=[1, 2],
        detail="张一：甲 与 乙 重叠",
        found_at=datetime.datetime(2026, 6, 30, tzinfo=datetime.UTC),
        last_seen_at=datetime.datetime(2026, 6, 30, tzinfo=datetime.UTC),
    )
    theirs = AuditAnomaly.objects.create(
        county=world.C3,
        teacher=world.T3,
        kind=AnomalyKind.OVERLAP,
        key="overlap:3-4",
        record_ids=[3, 4],
        detail="李三：丙 与 丁 重叠",
        found_at=mine.found_at,
        last_seen_at=mine.found_at,
    )
    officer = world.users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    html = client.get(reverse("credits:anomalies")).content.decode()
    assert "张一：甲 与 乙 重叠" in html
    assert "李三" not in html
    assert client.post(reverse("credits:anomaly_resolve", args=[theirs.pk])).status_code == 404
    client.post(reverse("credits:anomaly_resolve", args=[mine.pk]))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.is_resolved, mine.resolved_by) == (True, officer)
    assert theirs.is_resolved is False


def test_schools_and_teachers_have_no_overview(client, world):
    """The overview is the bureaus'."""
    for role in (Role.SCHOOL_ADMIN, Role.TEACHER):
        client.force_login(world.users[role])
        assert client.get(reverse("credits:overview")).status_code == 403
