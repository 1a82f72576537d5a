"""Xinjiang base credits: grade gate, leave, rate by mode, approval, degree study (004)."""

from __future__ import annotations

from datetime import date

import pytest

from credits.rules import (
    Category,
    Grade,
    Mode,
    RecordKind,
    Role,
    Tier,
    ZeroReason,
    credit_record,
    get_preset,
)

from .builders import d, make_record

XJ = get_preset("xinjiang-2024")


@pytest.mark.parametrize(
    ("mode", "hours", "base"),
    [
        (Mode.CENTRALIZED, "40", "10.00"),
        (Mode.CENTRALIZED, "4", "1.00"),
        (Mode.CENTRALIZED, "6", "1.50"),
        (Mode.ONLINE, "40", "8.00"),
        (Mode.ONLINE, "5", "1.00"),
        (Mode.SCHOOL_BASED, "40", "8.00"),
        (Mode.SCHOOL_BASED, "12", "2.40"),
    ],
)
def test_hours_convert_at_four_centralized_and_five_online_or_school_based(mode, hours, base):
    """集中4学时折1学分，网络与校本5学时折1学分 (004 五(二)1)."""
    result = credit_record(XJ, make_record(mode=mode, hours=hours, tier=Tier.COUNTY))
    assert result.base == d(base)
    assert result.bonus == d("0.00")  # county tier, pass: no bonus


def test_failed_assessment_earns_nothing():
    """不合格的，不予登记学分 (004 五(二)1): base, bonus and total are all zero."""
    result = credit_record(XJ, make_record(grade=Grade.FAIL, tier=Tier.NATIONAL))
    assert (result.base, result.bonus, result.total) == (d("0"), d("0"), d("0"))
    assert result.zero_reason is ZeroReason.FAILED
    assert not result.is_counted
    assert "不合格不予登记" in result.explanation


def test_leave_hours_are_deducted_before_conversion():
    """培训中请假的需扣除 (004 五(三)): 40 h − 8 h leave = 32 h ÷ 4 = 8 credits."""
    result = credit_record(XJ, make_record(hours="40", leave_hours="8", tier=Tier.COUNTY))
    assert result.base == d("8.00")
    assert result.explanation.startswith("40 学时 − 8 请假 = 32 学时 ÷ 4 = 8.00 学分")


def test_leave_is_deducted_before_the_bonus_too():
    """Bonus is a share of the base after leave (004 五(二)2 在基础学分上奖励; 五(三))."""
    result = credit_record(
        XJ, make_record(hours="44", leave_hours="4", grade=Grade.EXCELLENT, tier=Tier.REGION)
    )
    assert (result.base, result.bonus, result.total) == (d("10.00"), d("1.50"), d("11.50"))


def test_unapproved_project_earns_nothing():
    """未经审核的教师培训项目，不予登记继续教育学分 (004 六(二))."""
    result = credit_record(XJ, make_record(is_project_approved=False, grade=Grade.EXCELLENT))
    assert result.total == d("0")
    assert result.zero_reason is ZeroReason.NOT_APPROVED
    assert "项目未经审核" in result.explanation


def test_approved_degree_study_converts_by_base_rule_to_professional_without_bonus():
    """学历提升学时按基础学分折算规定折算 (004 五(二)3); to 专业课, no bonus (POLICIES §7.7)."""
    record = make_record(
        kind=RecordKind.DEGREE,
        hours="120",
        mode=None,
        category=None,
        tier=Tier.REGION,
        grade=Grade.PASS,
    )
    result = credit_record(XJ, record)
    assert (result.base, result.bonus, result.total) == (d("30.00"), d("0.00"), d("30.00"))
    assert result.category is Category.COMPULSORY_PROFESSIONAL
    assert "学历提升不计奖励" in result.explanation


def test_degree_study_given_online_mode_converts_at_five_hours():
    """A degree record naming its mode uses that mode's rate (004 五(二)1, 五(二)3)."""
    record = make_record(kind=RecordKind.DEGREE, hours="100", mode=Mode.ONLINE, grade=Grade.PASS)
    assert credit_record(XJ, record).base == d("20.00")


def test_degree_without_diploma_earns_nothing():
    """取得国家认可的毕业（学位）证书者 only (004 五(二)3): grade fail = not obtained (§6)."""
    record = make_record(kind=RecordKind.DEGREE, hours="120", grade=Grade.FAIL)
    result = credit_record(XJ, record)
    assert result.total == d("0")
    assert result.zero_reason is ZeroReason.DEGREE_NOT_OBTAINED


def test_unapproved_degree_study_earns_nothing():
    """经县级及以上教育行政部门批准 is required (004 五(二)3)."""
    record = make_record(kind=RecordKind.DEGREE, hours="120", is_project_approved=False)
    assert credit_record(XJ, record).total == d("0")


def test_lead_instructor_base_is_hours_taught_converted_by_mode():
    """主讲教师: base = hours taught at the mode's rate (POLICIES §7.4; 004 五(二)1)."""
    record = make_record(role=Role.LEAD_INSTRUCTOR, grade=None, mode=Mode.ONLINE, hours="10")
    assert credit_record(XJ, record).base == d("2.00")


def test_record_outside_the_cycle_is_credited_but_not_counted():
    """Only records dated in 2024-01-01..2028-12-31 count (POLICIES §7.1)."""
    result = credit_record(XJ, make_record(occurred_on=date(2023, 12, 31)))
    assert result.base == d("10.00")
    assert not result.is_counted
    assert "不在本周期" in result.explanation
