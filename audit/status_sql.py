"""The audit's two small statements of a night: statuses brought up to the date for teachers
whose figures did not change, and the teachers whose ledger entries start counting tonight.

Both follow the rule engine (credits/rules/status.py; entries count from their date) and sit
beside the full statement compiled in audit/progress_sql.py, whose parameter list they use.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from credits import rules
from credits.models import CreditLedgerEntry, CycleProgress
from institutions.models import School
from trainees.models import Teacher

from .progress_sql import Params


def county_status_sql(
    spec: rules.PolicySpec, *, as_of: datetime.date, at_risk_ratio: Decimal
) -> tuple[str, dict]:
    """Return (SQL, parameters) that bring the county's stored statuses up to `as_of`.

    A teacher whose ledger and facts did not change keeps their sums and rows; only the time
    elapsed moves, and with it the status (credits.rules.status.progress_status, the same
    cross-multiplied thresholds as the full statement's _cycle_select). Computed from the stored
    row amounts — `total` when present and non-zero, else the sum of the rows present — and
    written only where the status differs. A complete cycle stays complete: completeness depends
    on the credits, not on the date. The caller adds `county_id` and `now`; the statement
    returns one row per status with its number of teachers (all of the county's).
    """
    p = Params()
    start = f"GREATEST({p.date(spec.cycle_start)}, t.hired_on)"
    span = f"GREATEST({p.date(spec.cycle_end)} - {start}, 1)"
    elapsed = f"LEAST(GREATEST({p.date(as_of)} - {start}, 0), {span})"

    def total_or(amounts: str) -> str:
        return (
            f"COALESCE(NULLIF(cp.{amounts}[array_position(cp.row_keys, 'total')], 0), "
            f"(SELECT COALESCE(sum(x), 0)"
            f" FROM unnest(cp.{amounts}) x))"  # nosec B608 # amounts: a literal column name
        )

    need = f"{total_or('required_by_row')} * {elapsed}"
    have = f"{total_or('counted_by_row')} * {span}"
    table = CycleProgress._meta.db_table
    sql = f"""
    WITH fresh AS (
        SELECT cp.id,
            CASE WHEN cp.status = 'complete' THEN 'complete'
                 WHEN {have} >= {need} THEN 'on_track'
                 WHEN {have} >= {need} * {p.number(at_risk_ratio)} THEN 'at_risk'
                 ELSE 'behind' END AS status
        FROM {table} cp
        JOIN {Teacher._meta.db_table} t ON t.id = cp.teacher_id
        JOIN {School._meta.db_table} s ON s.id = t.school_id
        WHERE s.county_id = %(county_id)s AND t.is_active
          AND cp.policy_code = {p(spec.code)} AND cp.cycle_start = {p.date(spec.cycle_start)}
    ), written AS (
        UPDATE {table} cp
        SET status = fresh.status, as_of = {p.date(as_of)}, computed_at = %(now)s
        FROM fresh
        WHERE cp.id = fresh.id AND cp.status <> fresh.status
    )
    SELECT status, COUNT(*) FROM fresh GROUP BY status ORDER BY status
    """  # nosec B608 # names from model _meta, amounts a literal; values bound
    return sql, p.values


def dated_in_sql() -> str:
    """SQL listing the county's active teachers with a ledger entry dated in a window.

    Bound: `county_id`, `after` and `until`. An entry dated after the last audit's day, up to
    this one's, starts counting tonight (rules: entries count from their date) — its teacher is
    recomputed although nothing was written since.
    """
    ledger = CreditLedgerEntry._meta.db_table
    return f"""
    SELECT t.id FROM {Teacher._meta.db_table} t
    JOIN {School._meta.db_table} s ON s.id = t.school_id
    WHERE s.county_id = %(county_id)s AND t.is_active AND EXISTS (
        SELECT 1 FROM {ledger} l
        WHERE l.teacher_id = t.id AND l.occurred_on > %(after)s AND l.occurred_on <= %(until)s)
    """  # nosec B608 # names from model _meta; values bound
