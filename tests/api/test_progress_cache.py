"""GET /teachers/{id}/progress/ reuses a rendered answer only while the audit's rows are the
same, and checks the jurisdiction on every request."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from audit.progress import recompute_county_progress
from credits.api.ledger_views import TeacherProgressApi
from credits.api.selectors import forget_rendered_progress, progress_of_teacher
from credits.models import CycleProgress, SchoolYearProgress
from credits.services import approve_records, declare_records
from projects.choices import Grade

pytestmark = pytest.mark.django_db


def _progress(client, teacher):
    response = client.get(f"/api/v1/teachers/{teacher.pk}/progress/")
    assert response.status_code == 200
    return response.json()


def test_a_new_audit_result_is_served_at_once(credited):
    """T2 earns 10 credits after the first answer was rendered and kept: the next answer,
    after the audit rewrote the rows, shows them (rec2: 40 centralized hours at county tier,
    pass = 10 credits, 004 五(二)1 集中培训4学时折1学分)."""
    # given: T2 audited with nothing approved, and its answer rendered once
    w = credited.world
    before = _progress(credited.county, w.T2)
    assert before["cycles"][0]["counted_total"] == "0.00"
    assert _progress(credited.county, w.T2) == before  # kept, and the same
    # when: rec2 is approved and the audit runs again
    w.rec2.grade = Grade.PASS
    w.rec2.save()
    declare_records(by=w.superuser, record_ids=[w.rec2.pk])
    approve_records(by=w.superuser, record_ids=[w.rec2.pk])
    recompute_county_progress(county_id=w.C1.pk, as_of=datetime.date(2025, 6, 30))
    # then
    after = _progress(credited.county, w.T2)
    assert after["cycles"][0]["counted_total"] == "10.00"
    assert after["cycles"][0]["computed_at"] != before["cycles"][0]["computed_at"]


def test_a_rewritten_school_year_row_is_served_at_once(credited):
    """Only a school-year row changes (its computed_at with it): the answer follows."""
    w = credited.world
    _progress(credited.county, w.T1)
    row = SchoolYearProgress.objects.filter(teacher=w.T1).order_by("pk").first()
    row.is_complete = not row.is_complete
    row.computed_at = timezone.now()
    row.save()
    years = {y["id"]: y for y in _progress(credited.county, w.T1)["years"]}
    assert years[row.pk]["is_complete"] is row.is_complete


def test_a_removed_school_year_row_disappears_from_the_answer(credited):
    w = credited.world
    first = _progress(credited.county, w.T1)
    row = SchoolYearProgress.objects.filter(teacher=w.T1).order_by("-pk").first()
    row.delete()
    ids = [y["id"] for y in _progress(credited.county, w.T1)["years"]]
    assert len(ids) == len(first["years"]) - 1
    assert row.pk not in ids


@pytest.mark.parametrize("kind", ["county", "readonly", "session"])
def test_an_answer_kept_for_the_region_is_not_served_outside_the_jurisdiction(
    credited, as_kind, kind
):
    """The region client reads T3 of county C3 (audited now); a C1 client asking for the same
    id gets 404, although the rendered answer is kept."""
    # given
    w = credited.world
    recompute_county_progress(county_id=w.C3.pk, as_of=datetime.date(2025, 6, 30))
    assert _progress(credited.region, w.T3)["source"] == "audit"
    # when
    response = as_kind(kind).get(f"/api/v1/teachers/{w.T3.pk}/progress/")
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _progress(credited.other_county, w.T3)["source"] == "audit"  # C3's own client


def test_the_answer_is_what_drf_renders(credited):
    """The kept bytes are DRF's JSON rendering of the output serializer, byte for byte."""
    w = credited.world
    response = credited.county.get(f"/api/v1/teachers/{w.T1.pk}/progress/")
    answer = progress_of_teacher(user=credited.county_client.user, teacher_id=w.T1.pk, as_of=None)
    assert response["Content-Type"] == "application/json"
    assert response.content == JSONRenderer().render(
        TeacherProgressApi.OutputSerializer(answer).data
    )
    assert (
        json.loads(response.content)["cycles"][0]["id"]
        == CycleProgress.objects.get(teacher=w.T1).pk
    )


def test_the_browsable_api_still_gets_html(credited):
    response = credited.session.get(
        f"/api/v1/teachers/{credited.world.T1.pk}/progress/", HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.postgres
def test_the_scoped_read_runs_as_a_prepared_statement(credited):
    """PostgreSQL plans the jurisdiction join once per connection, not per request."""
    credited.county.get(f"/api/v1/teachers/{credited.world.T1.pk}/progress/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'xft_%%'")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("institutions_administrativeunit" in s for s in statements)


def test_another_worker_reuses_the_rendering_from_the_shared_cache(
    credited, settings, django_assert_num_queries
):
    """A worker that never rendered T1's answer finds it in the shared cache: one query, the
    jurisdiction and version check (the call log waits for its batch here)."""
    from platforms.call_log import flush_api_call_log

    settings.API_CALL_LOG_BATCH = 1000
    first = _progress(credited.county, credited.world.T1)
    forget_rendered_progress()  # as if another worker served the next request
    with django_assert_num_queries(1):
        response = credited.county.get(f"/api/v1/teachers/{credited.world.T1.pk}/progress/")
    assert response.json() == first
    assert flush_api_call_log() == 2  # written now, while this test's rows exist


def test_a_first_rendering_reads_the_rows_in_two_queries(
    credited, settings, django_assert_num_queries
):
    """Nothing kept anywhere: the scoped cycle rows with the school-year version, then the
    school-year rows (the token and the call log are warm from an earlier request)."""
    from platforms.call_log import flush_api_call_log

    settings.API_CALL_LOG_BATCH = 1000
    _progress(credited.county, credited.world.T2)
    forget_rendered_progress()
    cache.clear()
    with django_assert_num_queries(2):
        data = _progress(credited.county, credited.world.T1)
    assert (len(data["cycles"]), len(data["years"])) == (
        CycleProgress.objects.filter(teacher=credited.world.T1).count(),
        SchoolYearProgress.objects.filter(teacher=credited.world.T1).count(),
    )
    assert flush_api_call_log() == 2  # written now, while this test's rows exist


def test_without_prepared_statements_the_answer_is_the_same(credited, settings):
    """API_PREPARED_STATEMENTS=0 (behind a pooler in transaction mode) runs the SQL as is."""
    # given
    first = _progress(credited.county, credited.world.T2)
    # when: nothing kept, and no prepared statement
    settings.API_PREPARED_STATEMENTS = False
    forget_rendered_progress()
    cache.clear()
    # then
    assert _progress(credited.county, credited.world.T2) == first
