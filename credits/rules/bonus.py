"""Bonus credits: a fraction of base set by project tier, grade and role."""

from __future__ import annotations

from decimal import Decimal

from .types import Grade, PolicySpec, RecordFacts, RecordKind, Role


def bonus_rate(record: RecordFacts, spec: PolicySpec) -> Decimal:
    """Return the bonus as a fraction of base credits (0 when none applies)."""
    if record.kind is RecordKind.DEGREE and not spec.is_degree_bonus:
        return Decimal(0)  # POLICIES §7.7 学历提升学分不计奖励
    if record.tier is None:
        return Decimal(0)
    rate = Decimal(0)
    if record.role is Role.LEAD_INSTRUCTOR:
        # 004 五(二)2 主讲教师…自治区级及以上奖励200%，地（州、市）级及以下奖励100%
        rate += spec.lead_instructor_bonus.get(record.tier, Decimal(0))
        if not spec.is_grade_bonus_for_lead_instructor:
            return rate  # POLICIES §7.4 主讲教师不再叠加考核等次奖励
    if record.grade is None or record.grade is Grade.FAIL:
        return rate
    # 004 五(二)2 地（州、市）级及以下良好、优秀奖励5%、10%；自治区级及以上合格、良好、优秀奖励5%、10%、15%
    return rate + spec.grade_bonus.get(record.tier, {}).get(record.grade, Decimal(0))


def bonus_credits(base: Decimal, record: RecordFacts, spec: PolicySpec) -> Decimal:
    """Return the unrounded bonus: base times the rate (004 五(二)2 在基础学分上奖励)."""
    return base * bonus_rate(record, spec)
