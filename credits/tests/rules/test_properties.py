"""Properties of the rule engine that hold for every preset and any record (hypothesis)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from credits.rules import (
    PRESETS,
    Category,
    Grade,
    Mode,
    RecordKind,
    Role,
    Tier,
    apply_offsets,
    credit_record,
    effective_hours,
    get_preset,
    round_credits,
    spec_from_dict,
    spec_to_dict,
)
from credits.rules.conversion import record_mode

from .builders import make_record

specs = st.sampled_from(list(PRESETS.values()))
hours = st.decimals(min_value=0, max_value=2000, places=1, allow_nan=False, allow_infinity=False)
amounts = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def records(draw, spec=None):
    spec = spec or draw(specs)
    total = draw(hours)
    leave = draw(st.decimals(min_value=0, max_value=total, places=1))
    kind = draw(st.sampled_from(list(RecordKind))) if spec.degree_category else RecordKind.TRAINING
    role = draw(st.sampled_from(list(Role)))
    day = spec.cycle_start + timedelta(days=draw(st.integers(0, 2000)))
    return spec, make_record(
        hours=total,
        leave_hours=leave,
        kind=kind,
        tier=draw(st.sampled_from(list(Tier))),
        mode=draw(st.sampled_from(list(Mode))),
        category=draw(st.sampled_from(spec.categories)),
        grade=draw(st.sampled_from(list(Grade))),
        role=role,
        occurred_on=day,
        is_project_approved=draw(st.booleans()),
    )


@given(records())
def test_credits_are_never_negative(case):
    """No record earns negative base, bonus or total."""
    spec, record = case
    result = credit_record(spec, record)
    assert result.base >= 0
    assert result.bonus >= 0
    assert result.total == result.base + result.bonus


@given(records(), hours)
def test_more_hours_never_earn_fewer_credits(case, extra):
    """Adding hours to a record never lowers its total."""
    spec, record = case
    more = dataclasses.replace(record, hours=record.hours + extra)
    assert credit_record(spec, more).total >= credit_record(spec, record).total


@given(records())
def test_bonus_never_changes_base(case):
    """Base = rounded (hours − leave) ÷ rate, whatever the tier, grade or role."""
    spec, record = case
    result = credit_record(spec, record)
    if result.zero_reason is None:
        expected = effective_hours(record) / spec.hours_per_credit[record_mode(record, spec)]
        assert result.base == round_credits(expected, spec)
    without_bonus = dataclasses.replace(spec, grade_bonus={}, lead_instructor_bonus={})
    assert credit_record(without_bonus, record).base == result.base


@given(st.dictionaries(st.sampled_from(["compulsory", "elective", "school_based"]), amounts))
def test_offset_never_lowers_a_row_below_earned(earned_partial):
    """Counted ≥ earned for every row; targets never pass their minimum by offset (004 五(一))."""
    spec = get_preset("xinjiang-2024")
    earned = {"compulsory": Decimal(0), "elective": Decimal(0), "school_based": Decimal(0)}
    earned.update(earned_partial)
    required = {"compulsory": Decimal(60), "elective": Decimal(10), "school_based": Decimal(20)}
    counted, moved = apply_offsets(spec.offsets[:1], earned, required)
    for key in earned:
        assert counted[key] >= earned[key]
        assert counted[key] <= max(earned[key], required[key])
    assert sum(moved.values(), Decimal(0)) <= max(Decimal(0), earned["compulsory"] - 60)


@st.composite
def edited_specs(draw):
    spec = draw(specs)
    rows = tuple(
        dataclasses.replace(row, minimum=draw(st.decimals(1, 500, places=draw(st.integers(0, 3)))))
        for row in spec.rows
    )
    return dataclasses.replace(
        spec,
        version=draw(st.integers(1, 99)),
        rows=rows,
        precision=draw(st.sampled_from([Decimal("0.01"), Decimal("0.1"), Decimal("1")])),
        hours_per_credit={m: draw(st.decimals("0.5", "20", places=1)) for m in Mode},
        cycle_end=spec.cycle_end + timedelta(days=draw(st.integers(0, 400))),
        categories=tuple(draw(st.permutations(spec.categories))),
    )


@settings(max_examples=50)
@given(edited_specs())
def test_spec_round_trips_through_json_exactly(spec):
    """spec_from_dict(spec_to_dict(spec)) == spec, through real JSON text too."""
    data = spec_to_dict(spec)
    text = json.dumps(data, ensure_ascii=False)
    back = spec_from_dict(json.loads(text))
    assert back == spec
    assert spec_to_dict(back) == data
    assert all(str(a.minimum) == str(b.minimum) for a, b in zip(back.rows, spec.rows, strict=True))


@given(records(spec=get_preset("xinjiang-2024")))
def test_xinjiang_total_never_exceeds_three_times_base(case):
    """The largest bonus is 200% of base (004 五(二)2 主讲教师奖励200%学分)."""
    spec, record = case
    result = credit_record(spec, record)
    assert result.total <= result.base * 3


def test_all_categories_are_reachable_in_some_preset():
    """Every §6 category word fills a row of at least one preset."""
    used = {c for spec in PRESETS.values() for row in spec.rows for c in row.categories}
    used |= {
        c
        for spec in PRESETS.values()
        for row in spec.rows
        if not row.categories
        for c in spec.categories
    }
    assert used == set(Category)
    assert date(2024, 1, 1) == get_preset("xinjiang-2024").cycle_start
