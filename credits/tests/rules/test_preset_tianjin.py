"""Worked examples of the Tianjin Binhai 6th-cycle preset (000)."""

from __future__ import annotations

from datetime import date

from credits.rules import (
    Category,
    Grade,
    Mode,
    TeacherGroup,
    Tier,
    credit_record,
    evaluate,
    get_preset,
    school_year_of,
    simulate,
)

from .builders import VETERAN, d, make_record, make_teacher

TJ = get_preset("tianjin-binhai-6")
YEARS = ("2017-2018", "2018-2019", "2019-2020", "2020-2021", "2021-2022")


def tj_record(rid: str, on: date, hours: str, category: Category = Category.FULL_STAFF):
    return make_record(
        record_id=rid,
        occurred_on=on,
        hours=hours,
        category=category,
        tier=Tier.COUNTY,
        mode=Mode.ONLINE,
    )


def test_ten_class_hours_make_one_credit_in_any_mode_without_bonus():
    """原则上10学时折合1学分 (000 四(五)1); no mode difference and no bonus is printed."""
    for mode in Mode:
        record = make_record(
            mode=mode,
            hours="40",
            tier=Tier.REGION,
            grade=Grade.EXCELLENT,
            category=Category.ETHICS,
            occurred_on=date(2018, 3, 1),
        )
        result = credit_record(TJ, record)
        assert (result.base, result.bonus, result.total) == (d("4.00"), d("0.00"), d("4.00"))
        assert result.explanation == "40 学时 − 0 请假 = 40 学时 ÷ 10 = 4.00 学分；合计 4.00 学分"


def test_half_a_day_counts_as_four_class_hours():
    """学分计算按照半天4学时为计量单位 (000 四(五)1; POLICIES §7.12): 1.5 days = 12 h."""
    payload = {
        "records": [
            {
                "id": "d1",
                "days": "1.5",
                "mode": "centralized",
                "category": "full_staff",
                "grade": "pass",
                "date": "2018-03-01",
                "approved": True,
            }
        ]
    }
    row = simulate("tianjin-binhai-6", payload)["records"][0]
    assert row["base"] == 1.2
    assert row["explanation"].startswith("12 学时")


def test_hours_from_september_to_august_count_for_the_first_year():
    """当年的9月1日至次年8月31日完成培训学时计算为当年的继续教育学时 (000 四(五)1)."""
    assert school_year_of(date(2018, 8, 31), TJ) == "2017-2018"
    assert school_year_of(date(2018, 9, 1), TJ) == "2018-2019"
    progress = evaluate(TJ, VETERAN, [])
    assert [y.year for y in progress.years] == list(YEARS)


def test_96_hours_each_year_make_the_48_credits_of_the_cycle():
    """每年…不少于96学时 (000 四(二)1) and 第六周期须完成不少于48学分 (000 四(五)1): 5 × 96 h = 48."""
    records = [tj_record(f"y{i}", date(2017 + i, 11, 1), "96") for i in range(len(YEARS))]
    progress = evaluate(TJ, VETERAN, records)
    assert progress.cycle.required == {"total": d("48")}
    assert progress.cycle.earned == {"total": d("48.00")}
    assert progress.cycle.is_complete
    assert all(y.required == {"total": d("9.6")} and y.is_complete for y in progress.years)


def test_a_short_year_is_flagged_but_the_cycle_counts_the_credits():
    """The 96 h/year is a yearly check only; the cycle needs 48 (POLICIES §7.8)."""
    records = [tj_record("a", date(2017, 10, 1), "300"), tj_record("b", date(2019, 10, 1), "180")]
    progress = evaluate(TJ, VETERAN, records)
    assert progress.cycle.is_complete
    assert [y.is_complete for y in progress.years] == [True, False, True, False, False]
    assert progress.years[1].shortfall == {"total": d("9.6")}


def test_new_teacher_owes_16_hours_of_ethics_in_the_year_of_hire():
    """对新入职教师进行不少于16学时的职业道德教育 (000 四(一)); first credit year, inside the
    totals (POLICIES §7.8): 1.6 credits."""
    teacher = make_teacher(date(2019, 9, 1))
    without = evaluate(TJ, teacher, [])
    first = without.years[0]
    assert first.year == "2019-2020"
    assert first.required == {"total": d("9.6"), "ethics": d("1.6")}
    assert "ethics" not in without.years[1].required
    ethics = tj_record("e", date(2019, 10, 1), "16", Category.ETHICS)
    other = tj_record("f", date(2019, 11, 1), "80")
    first = evaluate(TJ, teacher, [ethics, other]).years[0]
    assert first.earned == {"total": d("9.60"), "ethics": d("1.60")}
    assert first.is_complete


def test_group_new_teacher_hired_before_the_cycle_owes_ethics_in_the_first_cycle_year():
    """Group `new_teacher` marks a new teacher whatever the date (POLICIES §7.6, §7.8)."""
    teacher = make_teacher(date(2017, 7, 1), TeacherGroup.NEW_TEACHER)
    years = evaluate(TJ, teacher, []).years
    assert years[0].required["ethics"] == d("1.6")
