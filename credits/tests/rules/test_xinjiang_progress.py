"""Xinjiang cycle and year requirements, offsets and the new-teacher rule (004 五(一), 六(三))."""

from __future__ import annotations

from datetime import date

import pytest

from credits.rules import (
    Category,
    Grade,
    Mode,
    RuleError,
    TeacherGroup,
    Tier,
    evaluate,
    get_preset,
    progress_from_sums,
)

from .builders import VETERAN, d, make_record, make_teacher

XJ = get_preset("xinjiang-2024")
C = Category
YEARS = ("2024-2025", "2025-2026", "2026-2027", "2027-2028", "2028-2029")


def cycle_sums(**by_category: str) -> dict[tuple[str, Category], object]:
    """Spread each category's credits over the first cycle school year."""
    return {("2024-2025", Category(name)): d(value) for name, value in by_category.items()}


def test_cycle_requires_90_with_compulsory_60_public_15_elective_10_school_based_20():
    """周期内…修满90学分…必修60（公共课不少于15），选修10，校本20 (004 五(一))."""
    progress = progress_from_sums(XJ, VETERAN, {})
    assert progress.cycle.required == {
        "total": d("90"),
        "compulsory": d("60"),
        "compulsory_public": d("15"),
        "elective": d("10"),
        "school_based": d("20"),
    }
    assert progress.cycle.start == date(2024, 1, 1)
    assert progress.cycle.end == date(2028, 12, 31)


def test_exact_structure_completes_the_cycle():
    """15 public + 45 professional + 10 elective + 20 school-based = 90 (004 五(一))."""
    sums = cycle_sums(
        compulsory_public="15", compulsory_professional="45", elective="10", school_based="20"
    )
    progress = progress_from_sums(XJ, VETERAN, sums)
    assert progress.cycle.is_complete
    assert all(v == 0 for v in progress.cycle.shortfall.values())


def test_public_course_minimum_is_not_offset():
    """公共课不少于15学分 (004 五(一)): 90 credits with 10 public leave 5 short."""
    sums = cycle_sums(
        compulsory_public="10", compulsory_professional="50", elective="10", school_based="20"
    )
    progress = progress_from_sums(XJ, VETERAN, sums)
    assert progress.cycle.shortfall["compulsory_public"] == d("5")
    assert progress.cycle.shortfall["total"] == d("0")
    assert not progress.cycle.is_complete


@pytest.mark.parametrize(
    ("compulsory", "elective", "school_based", "counted_elective", "counted_school", "done"),
    [
        # surplus 20 fills elective 10 first, then school-based 10
        ("80", "0", "10", "10", "20", True),
        # surplus 5 only: elective filled to 5, school-based untouched
        ("65", "0", "20", "5", "20", False),
        # surplus 30 covers elective 10 and school-based 20 entirely
        ("90", "0", "0", "10", "20", True),
        # no surplus: nothing moves
        ("60", "4", "20", "4", "20", False),
    ],
)
def test_compulsory_surplus_offsets_elective_and_school_based_shortfalls(
    compulsory, elective, school_based, counted_elective, counted_school, done
):
    """必修课程学分超出的，可折抵选修课程和校本课程学分 (004 五(一))."""
    sums = cycle_sums(
        compulsory_public="15",
        compulsory_professional=str(d(compulsory) - 15),
        elective=elective,
        school_based=school_based,
    )
    cycle = progress_from_sums(XJ, VETERAN, sums).cycle
    assert cycle.counted["elective"] == d(counted_elective)
    assert cycle.counted["school_based"] == d(counted_school)
    assert cycle.is_complete is done


def test_offset_never_lowers_any_row_below_what_was_earned():
    """The offset only adds to targets; compulsory keeps its earned 80 (004 五(一))."""
    sums = cycle_sums(
        compulsory_public="20", compulsory_professional="60", elective="0", school_based="10"
    )
    cycle = progress_from_sums(XJ, VETERAN, sums).cycle
    assert cycle.counted["compulsory"] == cycle.earned["compulsory"] == d("80")
    assert cycle.offset == {"elective": d("10"), "school_based": d("10")}
    assert all(cycle.counted[k] >= cycle.earned[k] for k in cycle.earned)


def test_elective_surplus_does_not_offset_anything():
    """Only compulsory surplus is printed as offsetting (004 五(一)); elective 30 fills none."""
    sums = cycle_sums(
        compulsory_public="15", compulsory_professional="45", elective="30", school_based="0"
    )
    cycle = progress_from_sums(XJ, VETERAN, sums).cycle
    assert cycle.counted["school_based"] == d("0")
    assert cycle.shortfall["school_based"] == d("20")


def test_year_requires_18_with_12_2_4_and_no_public_minimum():
    """每年须完成18学分（必修12，选修2，校本4）(004 六(三)); no yearly 公共课 row (§7.5)."""
    records = [
        make_record(record_id="a", hours="48", category=C.COMPULSORY_PROFESSIONAL),
        make_record(record_id="b", hours="10", mode=Mode.ONLINE, category=C.ELECTIVE),
        make_record(record_id="c", hours="20", mode=Mode.SCHOOL_BASED, category=C.SCHOOL_BASED),
    ]
    records = [
        make_record(**{**r.__dict__, "tier": Tier.COUNTY}) for r in records
    ]  # county pass: no bonus
    progress = evaluate(XJ, VETERAN, records)
    year = progress.years[0]
    assert year.year == "2024-2025"
    assert year.required == {
        "total": d("18"),
        "compulsory": d("12"),
        "elective": d("2"),
        "school_based": d("4"),
    }
    assert year.earned == {
        "total": d("18.00"),
        "compulsory": d("12.00"),
        "elective": d("2.00"),
        "school_based": d("4.00"),
    }
    assert year.is_complete
    assert [y.year for y in progress.years] == list(YEARS)
    assert not progress.years[1].is_complete


def test_yearly_offset_applies_like_the_cycle_offset():
    """Compulsory above 12 fills elective and school-based gaps of the year (POLICIES §7.5)."""
    sums = {("2025-2026", C.COMPULSORY_PROFESSIONAL): d("18")}
    year = progress_from_sums(XJ, VETERAN, sums).years[1]
    assert year.year == "2025-2026"
    assert year.counted == {
        "total": d("18"),
        "compulsory": d("18"),
        "elective": d("2"),
        "school_based": d("4"),
    }
    assert year.is_complete


def test_new_teacher_owes_30_induction_credits_outside_the_90():
    """新任教师须完成30学分适岗培训 (004 五(一)), its own row, not in 90/18 (POLICIES §7.6)."""
    teacher = make_teacher(date(2024, 9, 1))
    sums = {("2024-2025", C.INDUCTION): d("30")}
    progress = progress_from_sums(XJ, teacher, sums)
    assert progress.is_new_teacher
    assert progress.cycle.required["induction"] == d("30")
    assert progress.cycle.counted["induction"] == d("30")
    assert progress.cycle.earned["total"] == d("0")
    assert progress.years[0].earned["total"] == d("0")


def test_teacher_hired_before_the_cycle_owes_no_induction():
    """New = hired on/after the cycle start (POLICIES §7.6)."""
    progress = progress_from_sums(XJ, VETERAN, {})
    assert not progress.is_new_teacher
    assert "induction" not in progress.cycle.required


def test_group_new_teacher_owes_induction_and_the_full_90():
    """Group `new_teacher` is new whatever the hire date (POLICIES §7.6)."""
    teacher = make_teacher(date(2023, 9, 1), TeacherGroup.NEW_TEACHER)
    required = progress_from_sums(XJ, teacher, {}).cycle.required
    assert required["induction"] == d("30")
    assert required["total"] == d("90")


@pytest.mark.parametrize(
    ("hired_on", "years", "total", "compulsory", "public", "elective", "school_based"),
    [
        (date(2024, 1, 1), 5, "90", "60", "15", "10", "20"),
        (date(2024, 9, 1), 5, "90", "60", "15", "10", "20"),
        (date(2025, 9, 1), 4, "72", "48", "12", "8", "16"),
        (date(2026, 3, 1), 4, "72", "48", "12", "8", "16"),
        (date(2027, 9, 1), 2, "36", "24", "6", "4", "8"),
        (date(2028, 10, 1), 1, "18", "12", "3", "2", "4"),
    ],
)
def test_mid_cycle_hire_owes_18_per_school_year_left_split_in_proportion(
    hired_on, years, total, compulsory, public, elective, school_based
):
    """18 per school year left, capped at 90; 60/15/10/20 scale by owed ÷ 90 (POLICIES §7.6)."""
    progress = progress_from_sums(XJ, make_teacher(hired_on), {})
    assert progress.years_owed == years
    assert progress.cycle.required == {
        "total": d(total),
        "compulsory": d(compulsory),
        "compulsory_public": d(public),
        "elective": d(elective),
        "school_based": d(school_based),
        "induction": d("30"),
    }


def test_mid_cycle_hire_owes_no_year_before_hire():
    """Years before the year of hire are listed only if credits were earned (POLICIES §7.6)."""
    progress = progress_from_sums(XJ, make_teacher(date(2026, 3, 1)), {})
    assert [y.year for y in progress.years] == list(YEARS[1:])


def test_as_of_lists_only_years_started_by_then():
    """ "Today" is an argument: as of 2025-10-01 only two school years have started."""
    progress = progress_from_sums(XJ, VETERAN, {}, as_of=date(2025, 10, 1))
    assert [y.year for y in progress.years] == ["2024-2025", "2025-2026"]
    assert progress.as_of == date(2025, 10, 1)


def test_evaluate_skips_records_after_as_of():
    """A record dated after "today" is not counted yet."""
    record = make_record(occurred_on=date(2026, 1, 5))
    progress = evaluate(XJ, VETERAN, [record], as_of=date(2025, 12, 31))
    assert progress.cycle.earned["total"] == d("0")
    assert "晚于统计日期" in progress.records[0].explanation


def test_credits_before_the_first_cycle_school_year_count_for_the_cycle():
    """Jan–Aug 2024 is in the cycle (POLICIES §7.1) but in school year 2023-2024 (§7.2)."""
    record = make_record(occurred_on=date(2024, 3, 1), grade=Grade.EXCELLENT)
    progress = evaluate(XJ, VETERAN, [record])
    assert progress.cycle.earned["total"] == d("11.50")
    first = progress.years[0]
    assert (first.year, first.is_owed, first.required) == ("2023-2024", False, {})


def test_evaluate_and_sums_give_the_same_progress():
    """Per-record work and aggregation are separable: SQL sums give the same result."""
    records = [
        make_record(record_id="a", grade=Grade.GOOD),
        make_record(record_id="b", occurred_on=date(2026, 5, 1), category=C.ELECTIVE),
        make_record(record_id="c", grade=Grade.FAIL),
    ]
    by_records = evaluate(XJ, VETERAN, records)
    sums = {
        ("2024-2025", C.COMPULSORY_PUBLIC): d("11.00"),
        ("2025-2026", C.ELECTIVE): d("10.50"),
    }
    by_sums = progress_from_sums(XJ, VETERAN, sums)
    assert by_records.cycle == by_sums.cycle
    assert by_records.years == by_sums.years


def test_sums_with_a_bad_school_year_key_are_rejected():
    """School-year keys are ``YYYY-YYYY``."""
    with pytest.raises(RuleError) as caught:
        progress_from_sums(XJ, VETERAN, {("2024", C.ELECTIVE): d("1")})
    assert caught.value.code == "bad_date"
