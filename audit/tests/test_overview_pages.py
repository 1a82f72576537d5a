"""The bureau's overview of the audit and its anomaly list, scoped to the jurisdiction."""

import datetime

import pytest
from django.urls import reverse

from audit.county import audit_county
from credits.models import AnomalyKind, AuditAnomaly
from institutions.choices import Role

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 30)


def _audit(world):
    for county in (world.C1, world.C2, world.C3):
        audit_county(county_id=county.pk, as_of=AS_OF, issue=False)


def test_each_level_opens_its_own_unit_and_the_units_below(client, world):
    """A prefecture officer drills down its prefecture; the region and 乙地区 are out of reach."""
    _audit(world)
    client.force_login(world.users[Role.PREFECTURE_OFFICER])
    response = client.get(reverse("credits:overview"), {"year": "2025-2026"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/credits/overview/{world.P1.code}/?year=2025-2026")
    html = client.get(response["Location"]).content.decode()
    assert "甲一县" in html
    assert "甲二县" in html
    assert "乙一县" not in html
    for away in (world.R, world.P2, world.C3):
        assert client.get(reverse("credits:unit_overview", args=[away.code])).status_code == 404
    county = client.get(reverse("credits:unit_overview", args=[world.C1.code]))
    assert "甲一县第一中学" in county.content.decode()
    assert client.get(reverse("credits:school_overview", args=[world.S3.pk])).status_code == 404
    listing = client.get(reverse("credits:teacher_list"), {"unit": world.P1.code})
    names = {row.teacher.name for row in listing.context["page"].object_list}
    assert names == {"张一", "张二"}
    assert client.get(reverse("credits:teacher_list"), {"unit": world.C3.code}).status_code == 404
    assert client.get(reverse("credits:teacher_list"), {"school": world.S3.pk}).status_code == 404


def test_school_admins_see_their_school_and_teachers_nothing(client, world):
    """A school admin lands on the school's page; a teacher gets a Chinese 403."""
    _audit(world)
    client.force_login(world.users[Role.SCHOOL_ADMIN])
    response = client.get(reverse("credits:overview"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("credits:school_overview", args=[world.S1.pk])
    html = response.content.decode()
    assert "张一" in html
    assert "张二" in html
    assert "李三" not in html
    assert client.get(reverse("credits:unit_overview", args=[world.C1.code])).status_code == 404
    assert client.get(reverse("credits:school_overview", args=[world.S3.pk])).status_code == 404
    client.force_login(world.users[Role.TEACHER])
    denied = client.get(reverse("credits:overview"))
    assert denied.status_code == 403
    assert "没有权限" in denied.content.decode()


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


def test_anomalies_filter_by_kind_school_and_handled(client, world):
    """The overview's links carry a filter; each filter narrows the list, in the jurisdiction."""
    at = datetime.datetime(2026, 6, 30, tzinfo=datetime.UTC)
    rows = [
        AuditAnomaly.objects.create(
            county=world.C1,
            teacher=teacher,
            kind=kind,
            key=f"{kind}:{n}",
            record_ids=[n],
            detail=f"异常{n}",
            found_at=at,
            last_seen_at=at,
            is_resolved=resolved,
        )
        for n, (teacher, kind, resolved) in enumerate(
            [
                (world.T1, AnomalyKind.OVERLAP, False),
                (world.T2, AnomalyKind.HOURS_PER_DAY, False),
                (world.T1, AnomalyKind.HOURS_PER_DAY, True),
            ]
        )
    ]
    client.force_login(world.users[Role.COUNTY_OFFICER])

    def listed(**params):
        page = client.get(reverse("credits:anomalies"), params).context["page"]
        return {row.detail for row in page.object_list}

    assert listed() == {"异常0", "异常1"}  # not handled, by default
    assert listed(handled="all") == {"异常0", "异常1", "异常2"}
    assert listed(handled="yes") == {"异常2"}
    assert listed(kind="hours_per_day", handled="all") == {"异常1", "异常2"}
    assert listed(kind="no-such-kind") == {"异常0", "异常1"}  # an unknown value is dropped
    assert listed(unit=world.C1.code) == {"异常0", "异常1"}
    assert len(rows) == 3
    response = client.get(reverse("credits:anomalies"), {"unit": world.C3.code})
    assert response.status_code == 404
