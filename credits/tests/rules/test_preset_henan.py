"""Worked examples of the Henan 2021 preset: 360 class hours per five-year cycle (003)."""

from __future__ import annotations

from datetime import date

from credits.rules import Category, Mode, Tier, credit_record, evaluate, get_preset

from .builders import d, make_record, make_teacher

HN = get_preset("henan-2021")
TEACHER = make_teacher(date(2008, 9, 1))


def hn_record(rid: str, on: date, hours: str, mode: Mode = Mode.CENTRALIZED):
    return make_record(
        record_id=rid,
        occurred_on=on,
        hours=hours,
        mode=mode,
        category=Category.FULL_STAFF,
        tier=Tier.COUNTY,
    )


def test_360_hours_in_the_cycle_complete_it():
    """实行五年一周期360学时继续教育制度 (003 二(五)); all teachers (POLICIES §7.10)."""
    records = [hn_record(f"y{y}", date(y, 10, 1), "72") for y in range(2021, 2026)]
    cycle = evaluate(HN, TEACHER, records).cycle
    assert cycle.required == {"total": d("360")}
    assert cycle.earned == {"total": d("360.00")}
    assert cycle.is_complete


def test_359_hours_leave_one_hour_short():
    """360 学时 is a floor (003 二(五)): 359 h leave 1 h to do."""
    records = [hn_record("a", date(2022, 3, 1), "300"), hn_record("b", date(2024, 3, 1), "59")]
    cycle = evaluate(HN, TEACHER, records).cycle
    assert cycle.shortfall == {"total": d("1.00")}
    assert not cycle.is_complete


def test_online_study_counts_hour_for_hour():
    """教师线上研修…按规定计入教师继续教育学时 (003 二(四)); 1:1 (POLICIES §7.10)."""
    result = credit_record(HN, hn_record("o", date(2022, 3, 1), "60", Mode.ONLINE))
    assert result.total == d("60.00")
    assert result.explanation == "60 学时 − 0 请假 = 60 学时；合计 60.00 学时"


def test_no_yearly_check_and_hours_outside_the_cycle_do_not_count():
    """No yearly figure is printed (POLICIES §7.2); the cycle is 2021-2025 (§7.1)."""
    progress = evaluate(HN, TEACHER, [hn_record("old", date(2020, 12, 31), "360")])
    assert progress.years == ()
    assert progress.cycle.earned == {"total": d("0")}
