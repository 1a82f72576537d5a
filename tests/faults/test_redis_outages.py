"""Redis going down twice mid-audit: the worker survives both and the next run completes.

Redis here keeps nothing across a restart (no persistence), so each outage loses the queued
county tasks and the chord's counter: the interrupted runs can never finish. The next run
marks them failed (AUDIT_RUN_TIMEOUT_MINUTES, 0 here instead of 180) and redoes the work.
"""

import time

import pytest

pytestmark = pytest.mark.faults
AUDIT = "audit.tasks.run_nightly_audit"
RECEIVED = r"audit_county\[[^\]]+\] received"
# How a worker's death by a broker outage shows in its log (the consumer gives up, or a step
# restarts on a closed connection: kombu's AttributeError … 'hostname').
BROKEN = (
    "Unrecoverable error",
    "AttributeError",
    "Error on restarting",
    "Retry limit exceeded while trying to reconnect to the Celery broker",
)


def test_a_worker_survives_two_redis_outages_mid_audit_and_the_next_run_completes(stack):
    """Two outages of 5 s while county tasks run; no crash, exact counts afterwards."""
    # given: a worker started as docs/operations.md says
    worker = stack.worker(AUDIT_RUN_TIMEOUT_MINUTES="0")
    offset = 0
    for _outage in range(2):
        # when: Redis dies while the worker audits counties, and comes back 5 s later
        stack.send_task(AUDIT, "2026-06-30")
        offset = worker.wait_for_log(RECEIVED, timeout=60, after=offset)
        stack.redis.kill()
        time.sleep(5)
        stack.redis.start()
        # then: the worker reconnects by itself
        offset = worker.wait_for_log(r"Connected to redis", timeout=60, after=offset)
        assert worker.is_alive()
    # when: the next run starts (beat, the next night)
    time.sleep(3)  # the tasks that were running when Redis died end (their acks are lost)
    stack.send_task(AUDIT, "2026-06-30")
    # then: it finishes with exact counts, and no run is left running
    stack.wait_for_run("finished", timeout=60)
    counts = stack.counts()
    assert [run[0] for run in counts["runs"]] == ["failed", "failed", "finished"]
    assert {k: v for k, v in counts.items() if k != "runs"} == {
        k: v for k, v in stack.expected.items() if k != "runs"
    }
    log = worker.output()
    assert worker.is_alive()
    assert not [line for line in log.splitlines() if any(word in line for word in BROKEN)]
