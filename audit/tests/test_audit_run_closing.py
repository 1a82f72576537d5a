"""An audit run ends finished or failed, never running for ever (issue #15)."""

import datetime

import pytest
from django.utils import timezone

from audit.progress import close_stale_audit_runs, fail_audit_run, finish_audit_run
from credits.models import AuditRun

AS_OF = datetime.date(2026, 6, 30)


def _run(*, status=AuditRun.Status.RUNNING, hours_ago=0):
    run = AuditRun.objects.create(as_of=AS_OF, status=status, counties_total=3)
    started = timezone.now() - datetime.timedelta(hours=hours_ago)
    AuditRun.objects.filter(pk=run.pk).update(started_at=started)  # auto_now_add on create
    return run


@pytest.mark.django_db
def test_runs_running_longer_than_the_timeout_are_marked_failed():
    """A 4-hour-old running run fails at a 3-hour timeout; a 2-hour-old one keeps running."""
    # given
    stale = _run(hours_ago=4)
    recent = _run(hours_ago=2)
    finished = _run(status=AuditRun.Status.FINISHED, hours_ago=30)
    # when
    closed = close_stale_audit_runs(older_than=datetime.timedelta(hours=3))
    # then
    assert closed == 1
    statuses = dict(AuditRun.objects.values_list("pk", "status"))
    assert statuses == {stale.pk: "failed", recent.pk: "running", finished.pk: "finished"}
    assert AuditRun.objects.get(pk=stale.pk).finished_at is not None


@pytest.mark.django_db
def test_a_failed_county_fails_only_a_running_run():
    """The chord's error callback does not turn a finished run into a failed one."""
    # given
    running, finished = _run(), _run(status=AuditRun.Status.FINISHED)
    # when
    failed = [fail_audit_run(run_id=running.pk), fail_audit_run(run_id=finished.pk)]
    # then
    assert failed == [1, 0]
    assert AuditRun.objects.get(pk=running.pk).status == "failed"
    assert AuditRun.objects.get(pk=finished.pk).status == "finished"


@pytest.mark.django_db
def test_a_run_whose_counties_all_report_after_being_marked_failed_is_finished():
    """Counties that were only slow still close the run: finished is the truth then."""
    # given
    run = _run(status=AuditRun.Status.FAILED, hours_ago=4)
    # when
    finish_audit_run(run_id=run.pk)
    # then
    assert AuditRun.objects.get(pk=run.pk).status == "finished"
