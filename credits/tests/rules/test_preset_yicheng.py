"""Worked examples of the Yicheng 2019-2021 preset: three-year class-hour rows (001)."""

from __future__ import annotations

from datetime import date

import pytest

from credits.rules import (
    Category,
    Mode,
    RuleError,
    TeacherGroup,
    Tier,
    credit_record,
    evaluate,
    get_preset,
)

from .builders import d, make_record, make_teacher

YC = get_preset("yicheng-2019")
G = TeacherGroup
C = Category
VETERAN = make_teacher(date(2005, 9, 1))
EVERYONE = {"ethics": "36", "school_based": "72", "full_staff": "36", "online_course": "72"}


def yc_record(rid: str, category: Category, hours: str, mode: Mode = Mode.CENTRALIZED):
    return make_record(
        record_id=rid,
        category=category,
        hours=hours,
        mode=mode,
        tier=Tier.COUNTY,
        occurred_on=date(2020, 4, 1),
    )


def test_every_teacher_owes_ethics_school_based_full_staff_and_online_hours():
    """师德≥36 (001 四(一)), 校本72 (四(二)), 全员≥36 (四(三)), 网络课程≥72 (四(四)一是)."""
    progress = evaluate(YC, VETERAN, [])
    assert progress.cycle.required == {key: d(v) for key, v in EVERYONE.items()}
    assert progress.years == ()  # POLICIES §7.2 no yearly check
    records = [yc_record(key, C(key), hours) for key, hours in EVERYONE.items()]
    assert evaluate(YC, VETERAN, records).cycle.is_complete


def test_records_count_their_hours_less_leave_without_bonus():
    """Class hours only (001 四): 40 h − 4 h leave = 36 h, any tier, no conversion."""
    record = make_record(
        category=C.ETHICS,
        hours="40",
        leave_hours="4",
        mode=Mode.ONLINE,
        occurred_on=date(2019, 5, 1),
    )
    result = credit_record(YC, record)
    assert (result.base, result.bonus, result.total) == (d("36.00"), d("0.00"), d("36.00"))
    assert result.explanation == "40 学时 − 4 请假 = 36 学时；合计 36.00 学时"


def test_it_key_targets_owe_it_capability_48_and_cloud_classroom_24():
    """信息化提升重点培育对象…不少于48个学时 / 云课堂…不少于24个学时 (001 四(四)二是、三是)."""
    required = evaluate(YC, make_teacher(date(2005, 9, 1), G.IT_KEY_TARGET), []).cycle.required
    assert (required["it_capability"], required["cloud_classroom"]) == (d("48"), d("24"))
    assert "it_capability" not in evaluate(YC, VETERAN, []).cycle.required


def test_new_teacher_induction_of_42_plus_78_hours_does_not_fill_school_based():
    """封闭式培训一周共计42个学时，在学校分散培训78个学时，总计120个学时 (001 四(六)一是);
    the 78 school hours are induction, not 校本 (POLICIES §7.11)."""
    teacher = make_teacher(date(2019, 8, 20))
    records = [
        yc_record("week", C.INDUCTION, "42"),
        yc_record("school", C.INDUCTION, "78", Mode.SCHOOL_BASED),
    ]
    cycle = evaluate(YC, teacher, records).cycle
    assert cycle.required["induction"] == d("120")
    assert cycle.counted["induction"] == d("120")
    assert cycle.shortfall["induction"] == d("0")
    assert cycle.earned["school_based"] == d("0")


def test_certified_principal_is_exempt_from_qualification_training():
    """校长任职资格…不少于90个学时 (001 四(五)一是); already 持证 principals are exempt
    (POLICIES §7.11); all principals owe 在职提高 90 (四(五)二是)."""
    uncertified = evaluate(YC, make_teacher(date(2005, 9, 1), G.PRINCIPAL), []).cycle.required
    certified = evaluate(
        YC, make_teacher(date(2005, 9, 1), G.PRINCIPAL, G.PRINCIPAL_CERTIFIED), []
    ).cycle.required
    assert uncertified["principal_qualification"] == d("90")
    assert "principal_qualification" not in certified
    assert certified["principal_improvement"] == d("90")


@pytest.mark.parametrize(
    ("group", "key", "hours"),
    [
        (G.BACKBONE_PRINCIPAL, "principal_advanced", "90"),  # 001 四(五)三是
        (G.MIDDLE_MANAGER, "middle_manager", "48"),  # 001 四(五)四是
        (G.YOUNG_BACKBONE, "young_backbone", "48"),  # 001 四(六)二是
        (G.FAMOUS_TEACHER, "famous_teacher", "36"),  # 001 四(六)三是
        (G.WEAK_SUBJECT, "weak_subject", "18"),  # 001 四(六)四是
        (G.KINDERGARTEN, "kindergarten", "48"),  # 001 四(六)五是
        (G.CLASS_TEACHER, "class_teacher", "48"),  # 001 四(六)六是
    ],
)
def test_group_rows_apply_only_to_their_group(group, key, hours):
    """Each 相关人员3年培训 row of 001 四(五)-(六) binds only its group (POLICIES §3 table)."""
    assert evaluate(YC, make_teacher(None, group), []).cycle.required[key] == d(hours)
    assert key not in evaluate(YC, VETERAN, []).cycle.required


def test_category_outside_the_policy_is_an_unknown_word():
    """Yicheng has no 必修/选修 split (001 四): a compulsory_public record is refused."""
    with pytest.raises(RuleError) as caught:
        credit_record(YC, make_record(category=C.COMPULSORY_PUBLIC))
    assert caught.value.code == "unknown_word"
    assert caught.value.params["field"] == "category"
    assert "ethics" in caught.value.params["allowed"]
