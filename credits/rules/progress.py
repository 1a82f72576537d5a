"""Progress: per-year and per-cycle sums against requirement rows, with offsets.

Two entry points give the same `Progress`:

* `evaluate(spec, teacher, records, as_of)` credits each record and aggregates;
* `progress_from_sums(spec, teacher, sums, as_of=…, deadline_sums=…)` starts from sums a
  database already grouped by (school year, category), so the nightly audit can
  aggregate in SQL. Those sums must hold only counted records (approved, passed) dated
  inside the cycle window and not after `as_of`; rows with `counted_until` need their
  own sums in `deadline_sums` (see `deadline_rows`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from .conversion import round_credits
from .errors import RuleError
from .records import credit_record
from .schoolyear import cycle_school_years, parse_school_year, school_year_bounds
from .types import (
    Category,
    CreditResult,
    CycleProgress,
    OffsetRule,
    PolicySpec,
    Progress,
    Proration,
    RecordFacts,
    RequirementRow,
    RuleWarning,
    Scope,
    TeacherGroup,
    TeacherProfile,
    YearProgress,
    YearWindow,
)

ZERO = Decimal(0)

Sums = Mapping[tuple[str, Category], Decimal]


def is_new_teacher(spec: PolicySpec, teacher: TeacherProfile) -> bool:
    """Return whether the teacher is new: group `new_teacher`, or hired in the cycle.

    POLICIES §7.6 新任教师 = hired on/after the cycle start, or group `new_teacher`.
    """
    if TeacherGroup.NEW_TEACHER in teacher.groups:
        return True
    return (
        spec.new_teacher.is_hired_in_cycle_new
        and teacher.hired_on is not None
        and teacher.hired_on >= spec.cycle_start
    )


def teacher_groups(spec: PolicySpec, teacher: TeacherProfile) -> frozenset[TeacherGroup]:
    """Return the teacher's groups, with `new_teacher` added when the teacher is new."""
    if is_new_teacher(spec, teacher):
        return teacher.groups | {TeacherGroup.NEW_TEACHER}
    return teacher.groups


def row_applies(row: RequirementRow, groups: frozenset[TeacherGroup]) -> bool:
    """Return whether a teacher in `groups` owes `row`."""
    if row.groups and not row.groups & groups:
        return False
    return not row.exempt_groups & groups  # POLICIES §7.11 已持证校长免任职资格培训


def owed_school_years(spec: PolicySpec, teacher: TeacherProfile) -> tuple[str, ...]:
    """Return the cycle school years the teacher owes: the year of hire and later."""
    years = cycle_school_years(spec)
    if teacher.hired_on is None:
        return years
    return tuple(y for y in years if school_year_bounds(y, spec)[1] >= teacher.hired_on)


def deadline_rows(spec: PolicySpec) -> tuple[RequirementRow, ...]:
    """Return the rows that count only records dated on/before their `counted_until`."""
    return tuple(row for row in spec.rows if row.counted_until is not None)


def _fills(row: RequirementRow, category: Category) -> bool:
    return not row.categories or category in row.categories


def _sum_for(row: RequirementRow, sums: Iterable[tuple[tuple[str, Category], Decimal]]) -> Decimal:
    return sum((credits for (_, category), credits in sums if _fills(row, category)), ZERO)


def cycle_minimums(
    spec: PolicySpec, teacher: TeacherProfile, rows: Sequence[RequirementRow]
) -> dict[str, Decimal]:
    """Return each cycle row's minimum, scaled for a mid-cycle hire when the policy says so.

    POLICIES §7.6: a mid-cycle hire owes the yearly figure per school year left, capped at
    the cycle figure; rows marked `is_prorated` scale by owed ÷ cycle figure.
    """
    minimums = {row.key: row.minimum for row in rows}
    rule = spec.new_teacher
    if rule.proration is Proration.NONE or not is_new_teacher(spec, teacher):
        return minimums
    per_year = next(r for r in spec.rows_in(Scope.YEAR) if r.key == rule.per_year_row)
    cap = next(r for r in spec.rows_in(Scope.CYCLE) if r.key == rule.cap_row)
    owed = min(per_year.minimum * len(owed_school_years(spec, teacher)), cap.minimum)
    for row in rows:
        if row.is_prorated:
            minimums[row.key] = round_credits(row.minimum * owed / cap.minimum, spec)
    return minimums


def apply_offsets(
    offsets: Sequence[OffsetRule],
    earned: Mapping[str, Decimal],
    required: Mapping[str, Decimal],
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Return (counted, moved): earned plus what each target row received by offset.

    004 五(一) 必修课程学分超出的，可折抵选修课程和校本课程学分. Only the surplus above the
    source row's minimum moves, target rows in order, each up to its shortfall. The source
    row keeps its earned figure (it stays at or above its minimum), so no row is ever
    counted below what it earned; `moved` shows each target's gain.
    """
    counted = dict(earned)
    moved: dict[str, Decimal] = {}
    for rule in offsets:
        if rule.source_row not in required or rule.source_row not in earned:
            continue
        available = earned[rule.source_row] - required[rule.source_row]
        for target in rule.target_rows:
            if available <= 0:
                break
            if target not in required:
                continue
            gap = required[target] - counted[target]
            if gap <= 0:
                continue
            step = min(gap, available)
            counted[target] += step
            moved[target] = moved.get(target, ZERO) + step
            available -= step
    return counted, moved


def _shortfall(
    required: Mapping[str, Decimal], counted: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    return {key: max(ZERO, minimum - counted[key]) for key, minimum in required.items()}


def progress_from_sums(
    spec: PolicySpec,
    teacher: TeacherProfile,
    sums: Sums,
    *,
    as_of: date | None = None,
    deadline_sums: Mapping[str, Decimal] | None = None,
    records: Sequence[CreditResult] = (),
) -> Progress:
    """Return progress from credits already summed per (school year, category)."""
    as_of = spec.cycle_end if as_of is None else as_of
    groups = teacher_groups(spec, teacher)
    items = list(sums.items())
    for year, _ in sums:
        parse_school_year(year)
    owed_years = owed_school_years(spec, teacher)

    cycle_rows = [r for r in spec.rows_in(Scope.CYCLE) if row_applies(r, groups)]
    earned = {}
    for row in cycle_rows:
        if row.counted_until is None:
            earned[row.key] = _sum_for(row, items)
        elif deadline_sums is None or row.key not in deadline_sums:
            raise RuleError("missing_field", field=f"deadline_sums.{row.key}")
        else:
            earned[row.key] = deadline_sums[row.key]
    required = cycle_minimums(spec, teacher, cycle_rows)
    cycle_offsets = [o for o in spec.offsets if o.scope is Scope.CYCLE]
    counted, moved = apply_offsets(cycle_offsets, earned, required)
    shortfall = _shortfall(required, counted)
    cycle = CycleProgress(
        start=spec.cycle_start,
        end=spec.cycle_end,
        earned=earned,
        counted=counted,
        required=required,
        shortfall=shortfall,
        offset=moved,
        is_complete=all(v == 0 for v in shortfall.values()),
    )
    return Progress(
        policy_code=spec.code,
        policy_version=spec.version,
        as_of=as_of,
        is_new_teacher=TeacherGroup.NEW_TEACHER in groups,
        years_owed=len(owed_years),
        years=_years(spec, groups, items, owed_years, as_of),
        cycle=cycle,
        warnings=_share_warnings(spec, groups, items),
        records=tuple(records),
    )


def _years(
    spec: PolicySpec,
    groups: frozenset[TeacherGroup],
    items: Sequence[tuple[tuple[str, Category], Decimal]],
    owed_years: Sequence[str],
    as_of: date,
) -> tuple[YearProgress, ...]:
    year_rows = [r for r in spec.rows_in(Scope.YEAR) if row_applies(r, groups)]
    if not year_rows:
        return ()  # POLICIES §7.2 峄城、河南、松江不作年度考核
    listed = {y for y in owed_years if school_year_bounds(y, spec)[0] <= as_of}
    listed |= {year for (year, _), credits in items if credits}
    first_owed = owed_years[0] if owed_years else None
    year_offsets = [o for o in spec.offsets if o.scope is Scope.YEAR]
    result = []
    for year in sorted(listed, key=parse_school_year):
        rows = [
            r for r in year_rows if r.window is YearWindow.EVERY_YEAR or year == first_owed
        ]  # 000 四(一) 对新入职教师进行不少于16学时的职业道德教育 (POLICIES §7.8 入职当年)
        in_year = [(key, credits) for key, credits in items if key[0] == year]
        earned = {row.key: _sum_for(row, in_year) for row in rows}
        is_owed = year in owed_years
        required = {row.key: row.minimum for row in rows} if is_owed else {}
        counted, moved = apply_offsets(year_offsets, earned, required)  # POLICIES §7.5
        shortfall = _shortfall(required, counted)
        result.append(
            YearProgress(
                year=year,
                earned=earned,
                counted=counted,
                required=required,
                shortfall=shortfall,
                offset=moved,
                is_owed=is_owed,
                is_complete=all(v == 0 for v in shortfall.values()),
            )
        )
    return tuple(result)


def _share_warnings(
    spec: PolicySpec,
    groups: frozenset[TeacherGroup],
    items: Sequence[tuple[tuple[str, Category], Decimal]],
) -> tuple[RuleWarning, ...]:
    warnings = []
    total = sum((credits for _, credits in items), ZERO)
    for check in spec.share_checks:
        if not check.groups & groups or total <= 0:
            continue
        part = sum((c for (_, cat), c in items if cat in check.categories), ZERO)
        actual = round_credits(part * 100 / total, spec)
        # 002 三(一)2 市、区级课程与校本研修课程的比例各为17%和83% (POLICIES §7.9 仅提示)
        if actual != check.expected_percent:
            warnings.append(
                RuleWarning(
                    code="share_mismatch",
                    params={
                        "key": check.key,
                        "expected_percent": str(check.expected_percent),
                        "actual_percent": str(actual),
                        "total": str(total),
                    },
                )
            )
    return tuple(warnings)


def aggregate(
    spec: PolicySpec, results: Sequence[CreditResult]
) -> tuple[dict[tuple[str, Category], Decimal], dict[str, Decimal]]:
    """Return (sums per (school year, category), sums per deadline row) of counted results."""
    sums: dict[tuple[str, Category], Decimal] = defaultdict(lambda: ZERO)
    for result in results:
        if result.is_counted and result.category is not None:
            sums[(result.school_year, result.category)] += result.total
    deadline = {}
    for row in deadline_rows(spec):
        deadline[row.key] = sum(
            (
                r.total
                for r in results
                if r.is_counted
                and r.category is not None
                and _fills(row, r.category)
                and row.counted_until is not None
                and r.occurred_on <= row.counted_until  # 002 三(二)6 至2017年底
            ),
            ZERO,
        )
    return dict(sums), deadline


def evaluate(
    spec: PolicySpec,
    teacher: TeacherProfile,
    records: Sequence[RecordFacts],
    as_of: date | None = None,
) -> Progress:
    """Credit every record, then return the teacher's progress as of `as_of` (cycle end)."""
    as_of = spec.cycle_end if as_of is None else as_of
    seen: set[str] = set()
    for record in records:
        if record.record_id in seen:
            raise RuleError(
                "bad_payload", field="id", expected="unique", record_id=record.record_id
            )
        seen.add(record.record_id)
    results = [credit_record(spec, record, as_of=as_of) for record in records]
    sums, deadline = aggregate(spec, results)
    return progress_from_sums(
        spec, teacher, sums, as_of=as_of, deadline_sums=deadline, records=results
    )
