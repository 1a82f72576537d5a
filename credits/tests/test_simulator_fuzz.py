"""Hypothesis feeds the simulator JSON and its command bytes: nothing but the domain's own
errors comes out, and every error renders as a Chinese message without a Python repr."""

import json
import re

import pytest
from django.core.management import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credits import rules
from credits.errors import CreditRuleError
from credits.management.commands.simulate_credits import Command

SPECS = [rules.get_preset(code) for code in rules.PRESET_CODES]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
# Each key of a record, drawn from values that are right, nearly right or absurd.
numbers = st.one_of(
    st.sampled_from(["1e27", "1e30", 10**30, 1e27, "99999.9", "100000", "-1", "NaN", "四十", ""]),
    st.integers(min_value=-5, max_value=200),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    json_values,
)
dates = (
    st.dates().map(str)
    | st.sampled_from(["2025-03-01", "2025-02-30", "0001-01-01", "9999-12-31", "20250301", ""])
    | json_values
)


def words(enum) -> st.SearchStrategy:
    return st.sampled_from([str(member) for member in enum]) | json_values


FIELDS = {
    "id": st.text(max_size=70) | st.integers() | json_values,
    "tier": words(rules.Tier),
    "mode": words(rules.Mode),
    "category": words(rules.Category),
    "kind": words(rules.RecordKind),
    "grade": words(rules.Grade),
    "role": words(rules.Role),
    "hours": numbers,
    "days": numbers,
    "leave_hours": numbers,
    "date": dates,
    "approved": st.booleans() | json_values,
}
VALID = {  # without its id: each record of a payload gets its own (r0, r1 …) unless drawn
    "tier": "region",
    "mode": "centralized",
    "category": "compulsory_public",
    "hours": 40,
    "leave_hours": 0,
    "grade": "excellent",
    "role": "trainee",
    "date": "2025-03-01",
    "approved": True,
}
# A valid record with one field changed reaches the crediting itself; a record of any
# fields tests the parsing.
record = st.one_of(
    st.sampled_from(sorted(FIELDS)).flatmap(
        lambda key: FIELDS[key].map(lambda v: {**VALID, key: v})
    ),
    st.fixed_dictionaries({}, optional=FIELDS),
)
# Mostly payloads shaped like the contract, now and then any JSON at all (one_of picks its
# branches alike, so a branch listed three times is drawn three times as often).
teachers = st.fixed_dictionaries(
    {}, optional={"hired_on": dates, "groups": st.lists(words(rules.TeacherGroup))}
)


def with_ids(records: list) -> list:
    return [
        {"id": f"r{index}", **item} if isinstance(item, dict) and "id" not in item else item
        for index, item in enumerate(records)
    ]


shaped = st.fixed_dictionaries(
    {"records": st.lists(st.one_of(record, record, record, json_values), max_size=5).map(with_ids)},
    optional={"teacher": teachers | json_values, "as_of": dates},
)
payloads = st.one_of(shaped, shaped, shaped, json_values)

PYTHON_REPR = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|'[^']*'|Decimal\(|records\.\d")
# What the caller sent, quoted back between “ and ”, may hold any word ({"True": null}).
QUOTED_INPUT = re.compile(r"“[^”]*”")


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=st.sampled_from(SPECS), payload=payloads)
def test_any_payload_gives_a_result_or_a_rule_error_with_a_chinese_message(spec, payload):
    result, error = _outcome(lambda: rules.simulate(spec, payload), rules.RuleError)
    if error is None:
        assert json.loads(json.dumps(result)) == result
        return
    message = str(CreditRuleError(error.code, **error.params))
    assert message
    # What the caller sent comes back in the message (a record's id, a quoted value) and may
    # hold anything ("%(", "True"): only the message's own words are checked.
    own_words = QUOTED_INPUT.sub("“…”", message)
    for value in error.params.values():
        if isinstance(value, str) and value:
            own_words = own_words.replace(value, "…")
    assert not PYTHON_REPR.search(own_words), message
    assert "%(" not in own_words, message
    if "record_index" in error.params:
        assert message.startswith(f"第 {error.params['record_index'] + 1} 条记录"), message
    for value in error.params.values():
        assert not isinstance(value, str) or len(value) <= 64  # ids ≤ 64, quotes ≤ 50


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_the_command_reads_any_bytes_or_says_why_not(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("in") / "payload.json"
    path.write_bytes(data)
    _result, error = _outcome(lambda: Command()._read(str(path)), CommandError)
    if error is not None:
        assert error.returncode == 2
        assert "Traceback" not in str(error)


def _outcome(call, expected):
    """Return (result, None), or (None, the exception) when `call` raises `expected`; any
    other exception fails the test."""
    try:
        return call(), None
    except expected as exc:
        return None, exc


@pytest.mark.parametrize(
    "payload",
    [{"records": [{"id": "r1", "hours": 10**30}]}, {"records": [None] * 3}, [[[[]]]]],
)
def test_known_hostile_payloads_stay_rule_errors(payload):
    with pytest.raises(rules.RuleError):
        rules.simulate(SPECS[0], payload)
