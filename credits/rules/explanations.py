"""Chinese one-line explanations that show a record's arithmetic.

The words here are vocabulary labels, not policy figures: every number printed comes
from the record or the spec.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .types import Category, Grade, PolicySpec, RecordFacts, RecordKind, Role, Unit, ZeroReason

GRADE_LABELS = {
    Grade.FAIL: "不合格",
    Grade.PASS: "合格",
    Grade.GOOD: "良好",
    Grade.EXCELLENT: "优秀",
}

CATEGORY_LABELS = {
    Category.COMPULSORY_PUBLIC: "必修公共课",
    Category.COMPULSORY_PROFESSIONAL: "必修专业课",
    Category.ELECTIVE: "选修课程",
    Category.SCHOOL_BASED: "校本研修",
    Category.INDUCTION: "新教师入职（适岗）培训",
    Category.ETHICS: "师德",
    Category.FULL_STAFF: "全员培训",
    Category.ONLINE_COURSE: "网络课程",
    Category.IT_CAPABILITY: "信息化能力",
    Category.CLOUD_CLASSROOM: "开放性云课堂",
    Category.PRINCIPAL_QUALIFICATION: "校长任职资格",
    Category.PRINCIPAL_IMPROVEMENT: "校长在职提高",
    Category.PRINCIPAL_ADVANCED: "骨干校长高级研修",
    Category.MIDDLE_MANAGER: "中层干部",
    Category.YOUNG_BACKBONE: "青年骨干教师",
    Category.FAMOUS_TEACHER: "名优教师",
    Category.WEAK_SUBJECT: "薄弱学科",
    Category.KINDERGARTEN: "幼儿教师",
    Category.CLASS_TEACHER: "班主任",
}

UNIT_LABELS = {Unit.CREDITS: "学分", Unit.HOURS: "学时"}

ZERO_REASON_TEXT = {
    ZeroReason.FAILED: "考核不合格，不合格不予登记",
    ZeroReason.NOT_APPROVED: "项目未经审核，不予登记",
    ZeroReason.DEGREE_NOT_OBTAINED: "未取得毕业（学位）证书，不予折算",
}


def plain_number(value: Decimal) -> str:
    """Return a Decimal without exponent or trailing zeros (``40``, ``37.5``)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def percent(rate: Decimal) -> str:
    """Return a fraction as a signed percent (0.15 → ``+15%``)."""
    return f"+{plain_number(rate * 100)}%"


def explain_record(
    *,
    record: RecordFacts,
    spec: PolicySpec,
    hours: Decimal,
    rate_hours: Decimal,
    base: Decimal,
    bonus: Decimal,
    rate: Decimal,
    reason: ZeroReason | None,
    outside: tuple[date, date] | None,
    is_after_as_of: bool,
) -> str:
    """Return the Chinese explanation of one record's credits."""
    unit = UNIT_LABELS[spec.unit]
    parts = []
    prefix = "学历提升 " if record.kind is RecordKind.DEGREE else ""
    arithmetic = (
        f"{prefix}{plain_number(record.hours)} 学时 − {plain_number(record.leave_hours)} 请假"
        f" = {plain_number(hours)} 学时"
    )
    if reason is not None:
        parts.append(f"{arithmetic}：{ZERO_REASON_TEXT[reason]}")
    else:
        if spec.unit is Unit.CREDITS:
            arithmetic += f" ÷ {plain_number(rate_hours)} = {base} {unit}"
        parts.append(arithmetic)
        if record.kind is RecordKind.DEGREE:
            parts.append(f"计入{CATEGORY_LABELS[spec.degree_category]}")  # type: ignore[index]
            if not spec.is_degree_bonus:
                parts.append("学历提升不计奖励")
        elif spec.is_tier_required and record.tier is not None:
            tier = spec.tier_labels[record.tier]
            if record.role is Role.LEAD_INSTRUCTOR:
                parts.append(f"主讲教师 {tier} {percent(rate)} = {bonus}")
            elif record.grade is not None:
                parts.append(f"{tier} {GRADE_LABELS[record.grade]} {percent(rate)} = {bonus}")
    parts.append(f"合计 {base + bonus} {unit}")
    text = "；".join(parts)
    if outside is not None:
        text += f"（不在本周期 {outside[0].isoformat()} 至 {outside[1].isoformat()} 内，不计入）"
    elif is_after_as_of:
        text += "（晚于统计日期，暂不计入）"
    return text
