"""Hostile simulator payloads end in a RuleError that names the record, never in a traceback."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal

import pytest

from credits.rules import RuleError, get_preset, simulate

from .test_preset_xinjiang import CONTRACT_PAYLOAD


def payload_with(**fields: object) -> dict:
    data = copy.deepcopy(CONTRACT_PAYLOAD)
    data["records"][0].update(fields)
    return data


def two_records(**second: object) -> dict:
    data = copy.deepcopy(CONTRACT_PAYLOAD)
    data["records"].append({**data["records"][0], "id": "r2", **second})
    return data


def error_of(payload: object, policy: object = "xinjiang-2024") -> RuleError:
    with pytest.raises(RuleError) as caught:
        simulate(policy, payload)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("hours", 1e27, "1e+27"),
        ("hours", "1e30", "1e30"),
        pytest.param("hours", 10**5000, "1.000000E+5000", id="hours-5000-digits"),
        ("hours", "100000", "100000"),
        ("leave_hours", 1e27, "1e+27"),
        ("days", 10_000, "10000"),
    ],
)
def test_numbers_beyond_their_range_are_out_of_range(field, value, shown):
    """Found by fuzzing: hours of 1e27 or more broke the rounding (a traceback, HTTP 500)."""
    changes = {field: value, "hours": None} if field == "days" else {field: value}
    error = error_of(payload_with(**changes))
    assert error.code == "out_of_range"
    assert error.params == {
        "field": field,
        "value": shown,
        "minimum": "0",
        "maximum": "9999" if field == "days" else "99999.9",
        "record_id": "r1",
        "record_index": 0,
    }


def test_the_largest_hours_the_portal_stores_are_credited():
    """99,999.9 hours (the records' column) stay in range: 24,999.98 base credits."""
    out = simulate("xinjiang-2024", payload_with(hours="99999.9", grade="pass"))
    assert out["records"][0]["base"] == 24999.98  # 99999.9 ÷ 4, rounded (004 五(二)1)


@pytest.mark.parametrize(
    ("value", "code", "expected"),
    [
        (None, "missing_field", None),
        ("", "missing_field", None),
        ("   ", "bad_payload", "id"),
        (True, "bad_payload", "id"),
        ([1], "bad_payload", "id"),
        ({"a": 1}, "bad_payload", "id"),
        (1.5, "bad_payload", "id"),
        ("x" * 65, "bad_payload", "id"),
        pytest.param(10**64, "bad_payload", "id", id="65-digit-int"),
    ],
)
def test_ids_are_non_empty_text_or_integers(value, code, expected):
    """`"id": null` used to be accepted as the id "None"."""
    error = error_of(payload_with(id=value))
    assert (error.code, error.params.get("expected"), error.params["field"]) == (
        code,
        expected,
        "id",
    )
    assert error.params["record_index"] == 0


@pytest.mark.parametrize("value", [7, "x" * 64, 10**63], ids=["int", "64-chars", "64-digits"])
def test_integer_and_64_character_ids_are_taken(value):
    assert simulate("xinjiang-2024", payload_with(id=value))["records"][0]["id"] == str(value)


def test_a_repeated_id_names_both_positions():
    error = error_of(two_records(id="r1"))
    assert (error.code, error.params) == (
        "bad_payload",
        {
            "field": "id",
            "expected": "unique",
            "record_id": "r1",
            "record_index": 1,
            "first_index": 0,
        },
    )


@pytest.mark.parametrize(
    ("second", "code"),
    [
        ({"hours": "forty"}, "bad_number"),
        ({"grade": "great"}, "unknown_word"),
        ({"date": "2025-02-30"}, "bad_date"),
        ({"approved": "yes"}, "bad_payload"),
        ({"leave_hours": 99}, "leave_above_hours"),  # found while crediting, not parsing
        ({"grade": None}, "missing_field"),
        ({"tier": None}, "missing_field"),
    ],
)
def test_every_record_error_names_the_record_by_position_and_id(second, code):
    error = error_of(two_records(**second))
    assert (error.code, error.params["record_index"], error.params["record_id"]) == (
        code,
        1,
        "r2",
    )


def test_a_record_that_is_not_an_object_is_named_by_position():
    error = error_of({"records": [CONTRACT_PAYLOAD["records"][0], None]})
    assert (error.code, error.params) == (
        "bad_payload",
        {"field": "records.1", "expected": "object", "record_index": 1},
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ({"a": [1, None]}, '{"a": [1, null]}'),
        ([True], "[true]"),
        ([None], "[null]"),
        ("x" * 200, "x" * 49 + "…"),
    ],
)
def test_quoted_values_are_json_cut_to_50_characters_never_a_python_repr(value, shown):
    assert error_of(payload_with(date=value)).params["value"] == shown


@pytest.mark.parametrize(
    ("where", "value"),
    [("date", "1899-12-31"), ("date", "2101-01-01"), ("date", "9999-12-31")],
)
def test_dates_lie_within_1900_and_2100(where, value):
    error = error_of(payload_with(**{where: value}))
    assert (error.code, error.params["minimum"], error.params["maximum"]) == (
        "out_of_range",
        "1900-01-01",
        "2100-12-31",
    )


def test_as_of_and_hire_dates_are_bounded_too():
    assert error_of({**CONTRACT_PAYLOAD, "as_of": "0001-01-01"}).code == "out_of_range"
    teacher = {"hired_on": "9999-12-31"}
    assert error_of({**CONTRACT_PAYLOAD, "teacher": teacher}).params["field"] == "hired_on"


def test_at_most_1000_records():
    records = [{**CONTRACT_PAYLOAD["records"][0], "id": f"r{i}"} for i in range(1001)]
    error = error_of({"records": records})
    assert (error.code, error.params) == ("too_many_records", {"count": 1001, "limit": 1000})


def test_an_overflowing_computation_is_a_rule_error():
    """A policy whose rates make credits astronomically large: `overflow`, not a traceback."""
    spec = get_preset("xinjiang-2024")
    tiny = {mode: Decimal("1e-40") for mode in spec.hours_per_credit}
    absurd = dataclasses.replace(spec, hours_per_credit=tiny)
    assert error_of(payload_with(hours=40), absurd).code == "overflow"
