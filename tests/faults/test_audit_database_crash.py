"""PostgreSQL crashing during the nightly audit: retries span the restart, or the run fails.

The worker's back-off is scaled down by its environment (AUDIT_RETRY_*); the production
values (10 s doubling to 120 s, 8 tries) span about 10 minutes (docs/operations.md, "Faults").
"""

import time

import pytest

pytestmark = pytest.mark.faults
AUDIT = "audit.tasks.run_nightly_audit"
AS_OF = "2026-06-30"
RECEIVED = r"audit_county\[[^\]]+\] received"


def _without_runs(counts):
    return {key: value for key, value in counts.items() if key != "runs"}


def test_a_database_crash_mid_audit_is_retried_until_the_run_finishes(stack):
    """Down 35 s, longer than the 5 jittered retries (at most 31 s) that gave up before."""
    # given: a worker whose back-off is 2 s doubling to 8 s, 8 tries (54 s in all)
    worker = stack.worker(AUDIT_RETRY_BACKOFF="2", AUDIT_RETRY_BACKOFF_MAX="8")
    stack.send_task(AUDIT, AS_OF)
    worker.wait_for_log(RECEIVED, timeout=60)
    # when: PostgreSQL crashes while the counties are being audited, and is back 35 s later
    stack.postgres.crash()
    time.sleep(35)
    stack.postgres.start()
    # then: the counties' retries reach the restarted database and the run finishes, exactly
    run = stack.wait_for_run("finished", timeout=90)
    assert run[1] >= run[2] == stack.world["counties"]
    assert _without_runs(stack.counts()) == _without_runs(stack.expected)
    assert "Retry in 8s" in worker.output()


def test_a_county_that_gives_up_fails_the_run_and_the_next_run_completes_it(stack):
    """Retries exhausted: the run ends failed, not running; the next night's run is whole."""
    # given: a worker whose counties give up after one retry, 1 s later
    worker = stack.worker(AUDIT_RETRY_BACKOFF="1", AUDIT_RETRY_BACKOFF_MAX="1", AUDIT_RETRY_MAX="1")
    stack.send_task(AUDIT, AS_OF)
    worker.wait_for_log(RECEIVED, timeout=60)
    # when: PostgreSQL is down for longer than that
    stack.postgres.crash()
    time.sleep(8)
    stack.postgres.start()
    # then: the run is marked failed once the database is back, with the counties done so far
    _status, done, total = stack.wait_for_run("failed", timeout=60)
    assert done < total == stack.world["counties"]
    # when: the next run starts (beat, the next night)
    stack.send_task(AUDIT, AS_OF)
    # then: it finishes, and the database holds exactly what one clean audit writes
    stack.wait_for_run("finished", timeout=90)
    assert _without_runs(stack.counts()) == _without_runs(stack.expected)
    assert [run[0] for run in stack.counts()["runs"]] == ["failed", "finished"]
