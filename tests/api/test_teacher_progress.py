"""GET /teachers/{id}/progress/ returns the audit's rows, or computes them live, in scope."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from credits.models import CycleProgress
from institutions.choices import Role

pytestmark = pytest.mark.django_db


def test_audited_teacher_gets_the_audit_rows(credited):
    """T1 of county C1 was audited: the answer is the stored rows, source "audit"."""
    w = credited.world
    stored = CycleProgress.objects.get(teacher=w.T1)
    data = credited.county.get(f"/api/v1/teachers/{w.T1.pk}/progress/").json()
    assert data["source"] == "audit"
    assert data["teacher"] == w.T1.pk
    assert [c["id"] for c in data["cycles"]] == [stored.pk]
    assert data["cycles"][0]["counted_total"] == str(stored.counted_total)
    assert len(data["years"]) == stored.teacher.year_progress.count() > 0


def test_teacher_without_audit_rows_is_computed_live(credited):
    """T3 of county C3 was not audited: computed now from the ledger, source "live".

    rec3 is 40 centralized hours at county tier graded pass: 40 / 4 = 10 credits, no bonus
    (004 五(二)1 集中培训4学时折1学分).
    """
    w = credited.world
    data = credited.region.get(f"/api/v1/teachers/{w.T3.pk}/progress/").json()
    assert data["source"] == "live"
    (cycle,) = data["cycles"]
    assert cycle["id"] is None
    assert cycle["policy_code"] == "xinjiang-2024"
    assert Decimal(cycle["counted_total"]) == Decimal("10.00")
    assert cycle["status"] in {"on_track", "at_risk", "behind"}
    assert {y["school_year"] for y in data["years"]} >= {"2024-2025"}
    assert not CycleProgress.objects.filter(teacher=w.T3).exists()  # nothing stored


@pytest.mark.parametrize("kind", ["county", "readonly", "session"])
def test_another_countys_teacher_is_404(credited, as_kind, kind):
    response = as_kind(kind).get(f"/api/v1/teachers/{credited.world.T3.pk}/progress/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_anonymous_gets_401(credited):
    assert (
        credited.anonymous.get(f"/api/v1/teachers/{credited.world.T1.pk}/progress/").status_code
        == 401
    )


def test_a_role_without_progress_permission_gets_403(credited):
    """Institution staff see enrolled teachers but not their credit progress."""
    client = APIClient()
    client.force_login(credited.world.users[Role.INSTITUTION_STAFF])
    assert client.get(f"/api/v1/teachers/{credited.world.T1.pk}/progress/").status_code == 403
