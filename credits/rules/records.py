"""Credit one record: base, bonus and total, each rounded once, with an explanation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .bonus import bonus_credits, bonus_rate
from .conversion import (
    base_credits,
    check_record,
    effective_hours,
    record_mode,
    round_credits,
    zero_reason,
)
from .explanations import explain_record
from .schoolyear import school_year_of
from .types import CreditResult, PolicySpec, RecordFacts, RecordKind


def credit_record(
    spec: PolicySpec, record: RecordFacts, *, as_of: date | None = None
) -> CreditResult:
    """Return the credits one record earns under `spec`.

    Base and bonus are rounded separately and the total is their sum (POLICIES §7.3).
    The bonus is taken on the rounded base, the figure the teacher sees. A record dated
    outside the cycle, or after `as_of`, is credited but not counted toward progress.
    """
    check_record(record, spec)
    reason = zero_reason(record, spec)
    base = round_credits(base_credits(record, spec), spec)
    rate = bonus_rate(record, spec) if reason is None else Decimal(0)
    bonus = round_credits(bonus_credits(base, record, spec) if reason is None else rate, spec)
    category = spec.degree_category if record.kind is RecordKind.DEGREE else record.category
    is_in_cycle = spec.cycle_start <= record.occurred_on <= spec.cycle_end
    is_after_as_of = as_of is not None and record.occurred_on > as_of
    explanation = explain_record(
        record=record,
        spec=spec,
        hours=effective_hours(record),
        rate_hours=spec.hours_per_credit[record_mode(record, spec)],
        base=base,
        bonus=bonus,
        rate=rate,
        reason=reason,
        outside=None if is_in_cycle else (spec.cycle_start, spec.cycle_end),
        is_after_as_of=is_after_as_of,
    )
    return CreditResult(
        record_id=record.record_id,
        occurred_on=record.occurred_on,
        school_year=school_year_of(record.occurred_on, spec),
        category=category,
        base=base,
        bonus=bonus,
        total=base + bonus,  # POLICIES §7.3 合计 = 基础 + 奖励
        bonus_rate=rate,
        zero_reason=reason,
        is_counted=reason is None and is_in_cycle and not is_after_as_of,
        explanation=explanation,
    )
