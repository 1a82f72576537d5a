"""Where a teacher stands in the cycle: complete, on track, at risk or behind.

The documents set what a cycle requires, not how far along a teacher should be mid-cycle; the
status is our reading for the bureau's overview (POLICIES §7.13: a setting, AUDIT_AT_RISK_RATIO;
docs/operations.md "Progress status"). The nightly audit computes the same comparison in SQL
(audit/progress_sql.py, `county_status_sql`); the equality tests hold the two together.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .types import Progress

COMPLETE = "complete"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
BEHIND = "behind"
ZERO = Decimal(0)


def progress_status(
    progress: Progress, *, hired_on: date | None, as_of: date, at_risk_ratio: Decimal
) -> str:
    """Return complete, on_track, at_risk or behind for a teacher's cycle progress.

    A teacher is on track when the credits counted so far reach the share of the cycle total
    that the time elapsed (since the cycle start or their hire) calls for; at risk when they
    reach `at_risk_ratio` of it; behind otherwise.
    """
    cycle = progress.cycle
    if cycle.is_complete:
        return COMPLETE
    required = cycle.required.get("total") or sum(cycle.required.values(), ZERO)
    counted = cycle.counted.get("total") or sum(cycle.counted.values(), ZERO)
    start = max(cycle.start, hired_on) if hired_on else cycle.start
    span = max((cycle.end - start).days, 1)
    elapsed = min(max((as_of - start).days, 0), span)
    # counted ≥ required × elapsed ÷ span, cross-multiplied so that it is exact (and the same
    # comparison audit/progress_sql.py makes in the database).
    if counted * span >= required * elapsed:
        return ON_TRACK
    if counted * span >= required * elapsed * at_risk_ratio:
        return AT_RISK
    return BEHIND
