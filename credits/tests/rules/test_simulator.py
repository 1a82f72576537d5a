"""The simulator's JSON contract: exact keys and values, and error codes for bad input."""

from __future__ import annotations

import copy
import json

import pytest

from credits.rules import RuleError, get_preset, simulate, simulate_preset

from .test_preset_xinjiang import CONTRACT_PAYLOAD


def payload_with(**fields: object) -> dict:
    data = copy.deepcopy(CONTRACT_PAYLOAD)
    data["records"][0].update(fields)
    return data


def error_of(payload: object, policy: object = "xinjiang-2024") -> RuleError:
    with pytest.raises(RuleError) as caught:
        simulate(policy, payload)  # type: ignore[arg-type]
    return caught.value


def test_contract_example_returns_ten_plus_one_and_a_half():
    """40 h 集中, 自治区级, 优秀 → base 10.0, bonus 1.5, total 11.5 (004 五(二)1-2)."""
    out = simulate("xinjiang-2024", CONTRACT_PAYLOAD)
    assert set(out) == {"policy", "records", "years", "cycle"}
    row = out["records"][0]
    assert {k: row[k] for k in ("id", "base", "bonus", "total", "category", "school_year")} == {
        "id": "r1",
        "base": 10.0,
        "bonus": 1.5,
        "total": 11.5,
        "category": "compulsory_public",
        "school_year": "2024-2025",
    }
    assert out["years"][0]["year"] == "2024-2025"
    assert {"earned", "required", "complete"} <= set(out["years"][0])
    assert {"earned", "counted", "required", "shortfall", "complete"} <= set(out["cycle"])
    assert out["cycle"]["required"]["induction"] == 30.0  # hired 2024-09-01: new teacher
    assert json.loads(json.dumps(out)) == out


def test_spec_and_preset_helper_give_the_same_answer():
    """simulate accepts a PolicySpec; simulate_preset looks the code up."""
    spec = get_preset("xinjiang-2024")
    assert simulate(spec, CONTRACT_PAYLOAD) == simulate_preset("xinjiang-2024", CONTRACT_PAYLOAD)


@pytest.mark.parametrize("hours", [40, "40", "40.0", 40.0])
def test_hours_may_be_ints_floats_or_decimal_strings(hours):
    """Numbers convert through Decimal(str(x))."""
    assert simulate("xinjiang-2024", payload_with(hours=hours))["records"][0]["total"] == 11.5


def test_as_of_limits_counted_records():
    """`as_of` is "today": a later record is shown but not counted."""
    payload = payload_with()
    payload["as_of"] = "2025-01-31"
    out = simulate("xinjiang-2024", payload)
    assert out["records"][0]["counted"] is False
    assert out["cycle"]["earned"]["total"] == 0.0
    assert [y["year"] for y in out["years"]] == ["2024-2025"]


def test_unapproved_and_failed_records_explain_the_zero():
    """未经审核 (004 六(二)) and 不合格 (004 五(二)1) say why they are zero."""
    payload = copy.deepcopy(CONTRACT_PAYLOAD)
    payload["records"] = [
        {**CONTRACT_PAYLOAD["records"][0], "id": "u", "approved": False},
        {**CONTRACT_PAYLOAD["records"][0], "id": "f", "grade": "fail"},
    ]
    rows = simulate("xinjiang-2024", payload)["records"]
    assert [r["total"] for r in rows] == [0.0, 0.0]
    assert "项目未经审核" in rows[0]["explanation"]
    assert "不合格不予登记" in rows[1]["explanation"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("tier", "provincial"), ("grade", "superb"), ("category", "ethics"), ("mode", "tv")],
)
def test_unknown_words_are_rejected(field, value):
    """Words outside the vocabulary (or the policy's categories) are `unknown_word`."""
    error = error_of(payload_with(**{field: value}))
    assert error.code == "unknown_word"
    assert error.params["field"] == field
    assert error.params["value"] == value
    assert error.params["record_id"] == "r1"
    assert value not in error.params["allowed"]


def test_unknown_group_is_rejected():
    """Teacher groups are vocabulary words too (POLICIES §6)."""
    payload = copy.deepcopy(CONTRACT_PAYLOAD)
    payload["teacher"]["groups"] = ["head_teacher"]
    assert error_of(payload).params["field"] == "groups"


def test_negative_hours_are_rejected():
    """Hours below zero are `negative_hours`."""
    error = error_of(payload_with(hours=-1))
    assert (error.code, error.params["field"], error.params["hours"]) == (
        "negative_hours",
        "hours",
        "-1",
    )


def test_leave_above_hours_is_rejected():
    """Leave cannot exceed the training hours (004 五(三))."""
    error = error_of(payload_with(hours=10, leave_hours="12"))
    assert error.code == "leave_above_hours"
    assert error.params == {
        "record_id": "r1",
        "record_index": 0,
        "hours": "10",
        "leave_hours": "12",
    }


def test_unknown_policy_code_is_rejected():
    """Only preset codes resolve."""
    error = error_of(CONTRACT_PAYLOAD, "xinjiang-2019")
    assert error.code == "unknown_policy"
    assert "xinjiang-2024" in error.params["allowed"]


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        (payload_with(date="2025-02-30"), "bad_date", "date"),
        (payload_with(hours="forty"), "bad_number", "hours"),
        (payload_with(hours="NaN"), "bad_number", "hours"),
        (payload_with(hours=True), "bad_number", "hours"),
        (payload_with(approved="yes"), "bad_payload", "approved"),
        (payload_with(grade=None), "missing_field", "grade"),
        (payload_with(tier=None), "missing_field", "tier"),
        (payload_with(date=None), "missing_field", "date"),
        ({"teacher": {}}, "missing_field", "records"),
        ({"records": {}}, "bad_payload", "records"),
        ({"records": ["r1"]}, "bad_payload", "records.0"),
        ({"records": [], "as_of": "today"}, "bad_date", "as_of"),
        ({"records": [], "teacher": {"hired_on": "2024/09/01"}}, "bad_date", "hired_on"),
    ],
)
def test_malformed_payloads_raise_the_right_code(payload, code, field):
    """Each malformed part of a payload names its field."""
    error = error_of(payload)
    assert (error.code, error.params["field"]) == (code, field)


def test_duplicate_record_ids_are_rejected():
    """Record ids identify rows in the answer, so they must be unique."""
    payload = copy.deepcopy(CONTRACT_PAYLOAD)
    payload["records"] = payload["records"] * 2
    error = error_of(payload)
    assert (error.code, error.params["expected"]) == ("bad_payload", "unique")


def test_degree_record_rejected_where_the_policy_recognises_no_degree():
    """Only Xinjiang prints degree conversion (004 五(二)3); Henan refuses kind degree."""
    payload = payload_with(kind="degree", date="2022-03-01")
    error = error_of(payload, "henan-2021")
    assert (error.code, error.params["field"]) == ("unknown_word", "kind")
