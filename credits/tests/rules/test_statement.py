"""The certificate's credit table adds up to its total (004 五(一) offsets, 其中公共课)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from credits.rules import (
    PRESETS,
    Category,
    LineRole,
    Scope,
    TeacherGroup,
    cycle_school_years,
    deadline_rows,
    get_preset,
    offset_sources,
    progress_from_sums,
    statement_lines,
)

from .builders import VETERAN, d, make_teacher

XJ = get_preset("xinjiang-2024")
C = Category


def _cycle_lines(spec, teacher, sums):
    progress = progress_from_sums(spec, teacher, sums)
    cycle = progress.cycle
    rows = [row for row in spec.rows_in(Scope.CYCLE) if row.key in cycle.earned]
    lines = statement_lines(
        rows, cycle.earned, cycle.offset, sources=offset_sources(spec.offsets, Scope.CYCLE)
    )
    return progress, lines


def test_categories_add_up_to_the_total_with_the_offset_and_the_public_part_shown_as_such():
    sums = {
        ("2024-2025", C.COMPULSORY_PUBLIC): d("20.00"),
        ("2024-2025", C.COMPULSORY_PROFESSIONAL): d("174.75"),
        ("2025-2026", C.ELECTIVE): d("6.30"),
        ("2025-2026", C.SCHOOL_BASED): d("33.10"),
    }
    progress, lines = _cycle_lines(XJ, VETERAN, sums)
    assert progress.cycle.earned["total"] == d("234.15")
    assert [(line.label, line.credits, line.role) for line in lines] == [
        ("必修课程", d("194.75"), LineRole.CATEGORY),
        ("其中：必修公共课", d("20.00"), LineRole.PART),
        ("选修课程", d("6.30"), LineRole.CATEGORY),
        ("校本课程", d("33.10"), LineRole.CATEGORY),
        ("必修课程超出部分折抵选修课程", d("3.70"), LineRole.OFFSET),
    ]
    assert sum(line.credits for line in lines if line.is_summed) == d("234.15")


def test_induction_is_printed_outside_the_total():
    """POLICIES §7.6 新任教师适岗培训单列，不计入90."""
    new_teacher = make_teacher(None, TeacherGroup.NEW_TEACHER)
    sums = {("2024-2025", C.INDUCTION): d("30"), ("2024-2025", C.ELECTIVE): d("4")}
    progress, lines = _cycle_lines(XJ, new_teacher, sums)
    separate = [line for line in lines if line.role is LineRole.SEPARATE]
    assert [(line.label, line.credits) for line in separate] == [
        ("新任教师适岗培训（单列，不计入总学分）", d("30"))
    ]
    assert sum(line.credits for line in lines if line.is_summed) == progress.cycle.earned["total"]


@pytest.mark.parametrize("spec", list(PRESETS.values()), ids=list(PRESETS))
@pytest.mark.parametrize("scope", [Scope.CYCLE, Scope.YEAR])
def test_every_preset_prints_lines_that_add_up(spec, scope):
    """Whatever the policy, the summed lines equal the total: one credit in every category."""
    if not spec.rows_in(scope):
        pytest.skip("the policy has no rows of this scope")
    first, second = cycle_school_years(spec)[:2]
    sums = {(first, category): Decimal("7.25") for category in spec.categories}
    sums |= {(second, category): Decimal("1.5") for category in spec.categories}
    deadline = {
        row.key: sum((v for (_, c), v in sums.items() if c in row.categories), Decimal(0))
        for row in deadline_rows(spec)
    }
    progress = progress_from_sums(spec, VETERAN, sums, as_of=spec.cycle_end, deadline_sums=deadline)
    if scope is Scope.CYCLE:
        earned, offset = progress.cycle.earned, progress.cycle.offset
    else:
        year = progress.years[0]
        earned, offset = year.earned, year.offset
    rows = [row for row in spec.rows_in(scope) if row.key in earned]
    lines = statement_lines(rows, earned, offset, sources=offset_sources(spec.offsets, scope))
    summed = [line for line in lines if line.is_summed]
    assert summed, "a preset whose rows do not partition its total"
    total = earned.get("total", sum(earned.values(), Decimal(0)))
    assert sum(line.credits for line in summed) == total
