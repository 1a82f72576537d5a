"""Worked examples of the Songjiang 13th five-year preset (002)."""

from __future__ import annotations

from datetime import date

import pytest

from credits.rules import (
    Category,
    Mode,
    RuleError,
    TeacherGroup,
    Tier,
    deadline_rows,
    evaluate,
    get_preset,
    progress_from_sums,
)

from .builders import d, make_record, make_teacher

SJ = get_preset("songjiang-13")
TEACHER = make_teacher(date(2012, 9, 1))
DEVELOPMENT = make_teacher(date(2012, 9, 1), TeacherGroup.DEVELOPMENT_SCHOOL)


def sj_record(rid: str, on: date, hours: str, category: Category = Category.IT_CAPABILITY):
    return make_record(
        record_id=rid,
        occurred_on=on,
        hours=hours,
        category=category,
        mode=Mode.ONLINE,
        tier=Tier.COUNTY,
    )


def test_fifty_it_hours_by_the_end_of_2017_complete_the_cycle():
    """至2017年底每位教师…完成不少于50学时培训 (002 三(二)6; POLICIES §7.9)."""
    progress = evaluate(SJ, TEACHER, [sj_record("it", date(2017, 12, 31), "50")])
    assert progress.cycle.required == {"it_capability": d("50")}
    assert progress.cycle.earned == {"it_capability": d("50.00")}
    assert progress.cycle.is_complete
    assert progress.years == ()


def test_it_hours_after_2017_do_not_count_toward_completion():
    """Hours dated 2018-01-02 miss the 2017年底 deadline (002 三(二)6)."""
    records = [sj_record("a", date(2017, 6, 1), "30"), sj_record("b", date(2018, 1, 2), "20")]
    cycle = evaluate(SJ, TEACHER, records).cycle
    assert cycle.earned["it_capability"] == d("30.00")
    assert cycle.shortfall["it_capability"] == d("20.00")
    assert not cycle.is_complete


def test_development_school_split_off_17_83_is_a_warning_not_a_gate():
    """市教师专业发展校每位在职教师…比例各为17%和83% (002 三(一)2): warning only (§7.9)."""
    balanced = [
        sj_record("it", date(2017, 3, 1), "50"),
        sj_record("dist", date(2018, 3, 1), "12"),
        sj_record("sch", date(2018, 4, 1), "300", Category.SCHOOL_BASED),
    ]  # 300 ÷ 362 = 82.87% school-based
    progress = evaluate(SJ, DEVELOPMENT, balanced)
    assert progress.cycle.is_complete
    assert [w.code for w in progress.warnings] == ["share_mismatch"]
    assert progress.warnings[0].params["actual_percent"] == "82.87"
    exact = {
        ("2017-2018", Category.IT_CAPABILITY): d("17"),
        ("2017-2018", Category.SCHOOL_BASED): d("83"),
    }
    assert (
        progress_from_sums(
            SJ, DEVELOPMENT, exact, deadline_sums={"it_capability": d("17")}
        ).warnings
        == ()
    )


def test_split_is_not_checked_for_other_schools():
    """The 17/83 split concerns 市教师专业发展校 teachers only (002 三(一)2)."""
    records = [sj_record("it", date(2017, 3, 1), "50")]
    assert evaluate(SJ, TEACHER, records).warnings == ()


def test_sql_sums_must_carry_the_deadline_row_sum():
    """The 2017年底 cut falls mid school year, so SQL sums bring it separately (002 三(二)6)."""
    with pytest.raises(RuleError) as caught:
        progress_from_sums(SJ, TEACHER, {})
    assert caught.value.params == {"field": "deadline_sums.it_capability"}
    assert [row.key for row in deadline_rows(SJ)] == ["it_capability"]
