"""A worker killed mid-audit: another one runs its tasks again within the visibility timeout.

The timeout is 5 minutes in production (CELERY_VISIBILITY_TIMEOUT), 15 s here; every worker
looks for overdue tasks every 10 s. Before, it was an hour, and workers looked every 100 s.
"""

import pytest

pytestmark = pytest.mark.faults
AUDIT = "audit.tasks.run_nightly_audit"
RECEIVED = r"audit_county\[[^\]]+\] received"


def test_tasks_of_a_killed_worker_run_again_on_another_and_the_run_finishes(stack):
    """kill -9 of the whole worker (pool children too) after it took a county's task."""
    # given: a worker auditing the counties
    first = stack.worker("first", CELERY_VISIBILITY_TIMEOUT="15")
    stack.send_task(AUDIT, "2026-06-30")
    first.wait_for_log(RECEIVED, timeout=60)
    # when: it is killed, and its supervisor starts a new one at once
    first.kill()
    second = stack.worker("second", CELERY_VISIBILITY_TIMEOUT="15")
    # then: the new worker gets the unacknowledged tasks once they are overdue (15 s + 10 s)
    _status, done, total = stack.wait_for_run("finished", timeout=45)
    assert done >= total == stack.world["counties"]
    assert "Restoring" in second.output() or "audit_county" in second.output()
    counts = stack.counts()
    assert {k: v for k, v in counts.items() if k != "runs"} == {
        k: v for k, v in stack.expected.items() if k != "runs"
    }
