"""PolicySpec ⇄ dict: exact round trip and named errors for bad edits."""

from __future__ import annotations

import copy
import json

import pytest

from credits.rules import PRESET_CODES, RuleError, get_preset, spec_from_dict, spec_to_dict


@pytest.mark.parametrize("code", PRESET_CODES)
def test_every_preset_round_trips(code):
    """The five presets survive dict and JSON text unchanged."""
    spec = get_preset(code)
    data = spec_to_dict(spec)
    assert json.loads(json.dumps(data)) == data
    assert spec_from_dict(data) == spec


def test_decimals_are_strings_and_keep_their_exponent():
    """Decimals travel as strings, so "0.10" stays "0.10" (no float on the way)."""
    data = spec_to_dict(get_preset("xinjiang-2024"))
    assert data["grade_bonus"]["region"]["good"] == "0.10"
    assert data["hours_per_credit"] == {"centralized": "4", "online": "5", "school_based": "5"}
    assert data["precision"] == "0.01"


def edited(path: tuple, value: object) -> dict:
    data = copy.deepcopy(spec_to_dict(get_preset("xinjiang-2024")))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "code", "field"),
    [
        (("unit",), "points", "unknown_word", "unit"),
        (("cycle_start",), "2024-13-01", "bad_date", "cycle_start"),
        (("rows", 0, "minimum"), "ninety", "bad_number", "rows.0.minimum"),
        (("rows", 0, "categories"), ["compulsory"], "unknown_word", "rows.0.categories"),
        (("hours_per_credit", "online"), "0", "bad_policy", "hours_per_credit"),
        (("offsets", 0, "target_rows"), ["nope"], "bad_policy", "offsets.nope"),
        (("rounding",), "ROUND_SOMETIMES", "bad_policy", "rounding"),
        (("cycle_end",), "2023-12-31", "bad_policy", "cycle_end"),
        (("year_start_day",), 31, "bad_date", "year_start"),
        (("schema",), 2, "bad_policy", "schema"),
    ],
)
def test_bad_edits_raise_named_errors(path, value, code, field):
    """An edited policy that breaks an invariant names the field."""
    data = edited(path, value)
    data["year_start_month"] = 9 if path != ("year_start_day",) else 2
    with pytest.raises(RuleError) as caught:
        spec_from_dict(data)
    assert caught.value.code == code
    assert caught.value.params["field"] == field


def test_missing_field_is_named():
    """A dict without `rows` is `missing_field` rows."""
    data = spec_to_dict(get_preset("henan-2021"))
    del data["rows"]
    with pytest.raises(RuleError) as caught:
        spec_from_dict(data)
    assert (caught.value.code, caught.value.params) == ("missing_field", {"field": "rows"})
