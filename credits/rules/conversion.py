"""Base credits: hours less leave, converted at the policy's rate for the mode."""

from __future__ import annotations

from decimal import Decimal

from .errors import RuleError
from .types import Grade, Mode, PolicySpec, RecordFacts, RecordKind, Role, ZeroReason


def round_credits(value: Decimal, spec: PolicySpec) -> Decimal:
    """Round a reported value once, as the policy says (POLICIES §7.3: 0.01, half up)."""
    return value.quantize(spec.precision, rounding=spec.rounding)


def hours_from_days(days: Decimal, spec: PolicySpec) -> Decimal:
    """Return the class hours of a record given in days (POLICIES §7.12)."""
    return days * spec.hours_per_day  # 000 四(五)1 半天4学时为计量单位


def check_record(record: RecordFacts, spec: PolicySpec) -> None:
    """Raise `RuleError` when a record's facts cannot be credited under `spec`."""
    rid = record.record_id
    if record.hours < 0:
        raise RuleError("negative_hours", record_id=rid, field="hours", hours=str(record.hours))
    if record.leave_hours < 0:
        raise RuleError(
            "negative_hours", record_id=rid, field="leave_hours", hours=str(record.leave_hours)
        )
    if record.leave_hours > record.hours:
        raise RuleError(
            "leave_above_hours",
            record_id=rid,
            hours=str(record.hours),
            leave_hours=str(record.leave_hours),
        )
    if record.kind is RecordKind.DEGREE:
        if spec.degree_category is None:
            raise RuleError(
                "unknown_word", record_id=rid, field="kind", value=record.kind, allowed=["training"]
            )
        if record.mode is None and spec.degree_mode is None:
            raise RuleError("missing_field", record_id=rid, field="mode")
    else:
        for name in ("mode", "category"):
            if getattr(record, name) is None:
                raise RuleError("missing_field", record_id=rid, field=name)
        if record.category not in spec.categories:
            raise RuleError(
                "unknown_word",
                record_id=rid,
                field="category",
                value=str(record.category),
                allowed=sorted(spec.categories),
            )
    if record.grade is None and not _is_ungraded(record):
        raise RuleError("missing_field", record_id=rid, field="grade")
    if record.tier is None and spec.is_tier_required and record.kind is RecordKind.TRAINING:
        raise RuleError("missing_field", record_id=rid, field="tier")


def _is_ungraded(record: RecordFacts) -> bool:
    # POLICIES §7.4 主讲教师 is not assessed: the grade table is for 参加…经考核评定 trainees
    return record.kind is RecordKind.TRAINING and record.role is Role.LEAD_INSTRUCTOR


def record_mode(record: RecordFacts, spec: PolicySpec) -> Mode:
    """Return the mode whose rate converts the record (degree study may omit it)."""
    if record.mode is not None:
        return record.mode
    if spec.degree_mode is None:
        raise RuleError("missing_field", record_id=record.record_id, field="mode")
    return spec.degree_mode  # POLICIES §7.7 学历提升按基础学分折算规定折算


def effective_hours(record: RecordFacts) -> Decimal:
    """Return the class hours that count: declared hours less leave."""
    return record.hours - record.leave_hours  # 004 五(三) 培训中请假的需扣除


def zero_reason(record: RecordFacts, spec: PolicySpec) -> ZeroReason | None:
    """Return why a record earns nothing, or None when it earns its base."""
    if spec.is_project_approval_required and not record.is_project_approved:
        return ZeroReason.NOT_APPROVED  # 004 六(二) 未经审核的教师培训项目，不予登记继续教育学分
    if record.grade is Grade.FAIL:
        if record.kind is RecordKind.DEGREE:
            return ZeroReason.DEGREE_NOT_OBTAINED  # 004 五(二)3 取得国家认可的毕业（学位）证书者
        return ZeroReason.FAILED  # 004 五(二)1 成绩评定为不合格的，不予登记学分
    return None


def base_credits(record: RecordFacts, spec: PolicySpec) -> Decimal:
    """Return the unrounded base credits (or hours) one record earns."""
    if zero_reason(record, spec) is not None:
        return Decimal(0)
    # 004 五(二)1 集中培训4学时折算为1学分，网络培训与校本研修5学时折算为1学分
    # 004 五(二)3 学历提升…其学时按基础学分折算规定折算
    return effective_hours(record) / spec.hours_per_credit[record_mode(record, spec)]
