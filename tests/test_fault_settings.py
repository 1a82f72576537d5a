"""The timeouts and retries that keep faults short, checked against each other (issue #15)."""

from django.conf import settings

from audit.tasks import audit_county, fail_audit, finish_audit


def _retry_waits(task) -> list[int]:
    """Return the seconds a task waits before each of its retries (no jitter)."""
    return [
        min(task.retry_backoff * 2**attempt, task.retry_backoff_max)
        for attempt in range(task.max_retries)
    ]


def test_an_audit_county_retries_for_about_ten_minutes_without_jitter():
    """10, 20, 40, 80, then 120 s: 630 s, enough for a database restart."""
    assert audit_county.retry_jitter is False
    assert _retry_waits(audit_county) == [10, 20, 40, 80, 120, 120, 120, 120]
    assert sum(_retry_waits(audit_county)) == 630


def test_closing_a_run_keeps_trying_for_a_day():
    """The chord's callbacks write one row; they outlast any outage of the night."""
    for task in (finish_audit, fail_audit):
        assert sum(_retry_waits(task)) >= 23 * 3600


def test_a_killed_workers_tasks_are_redelivered_within_minutes():
    """Five minutes, and longer than the longest retry wait, which a worker holds unacked."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["visibility_timeout"] == 300
    assert options["visibility_timeout"] > settings.AUDIT_RETRY_BACKOFF_MAX
    assert options["unacked_restore_throttle"] == 1  # overdue tasks looked for every 10 s


def test_sending_a_task_to_a_dead_redis_gives_up_within_seconds():
    """Connect 2 s, then two more tries 0.5 s apart: a page answers within about 3 s."""
    policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT == 2
    assert (policy["max_retries"], policy["interval_max"]) == (2, 0.5)
    assert settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS["retry_policy"] == policy
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] == 2


def test_workers_never_give_up_reconnecting_and_web_connections_are_checked():
    """No reconnect limit for workers; a reused database connection is pinged first."""
    assert settings.CELERY_BROKER_CONNECTION_MAX_RETRIES is None
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
