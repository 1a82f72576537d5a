"""Hypothesis posts JSON bodies (and bytes that are not JSON) to the bulk push and the
simulator: nothing but a success or a 4xx in the API's error shape comes back."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db
PUSH, SIMULATE = "/api/v1/records/bulk/", "/api/v1/simulate/"
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=10,
)
odd_text = st.sampled_from(["", " ", "\x00", "a\x00b", "四十", "1e30", "x" * 70, "\u202e"])
extremes = st.sampled_from([1e27, 10**25, "1e30", -1, 0.05, "40 学时", 99999.9, 100000])
numbers = st.one_of(
    extremes,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
cells = st.one_of(extremes, json_scalars, odd_text)
HOURS = ["hours", "leave_hours"]
ITEM_KEYS = [
    "external_id",
    "id_number",
    "name",
    "project_code",
    "hours",
    "leave_hours",
    "grade",
    "role",
    "completed_on",
]


def assert_json_answer(response):
    """A success, or a 4xx in the error shape: never a 5xx, never HTML."""
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if response.status_code >= 400:
        assert isinstance(body["code"], str)
        assert isinstance(body["message"], str)
        assert set(body) <= {"code", "message", "params", "errors"}
        assert len(response.content) < 200_000  # errors never repeat a body back


@pytest.fixture
def valid_item(api):
    w = api.world
    return {
        "external_id": "f1",
        "id_number": w.T2.id_number,
        "name": w.T2.name,
        "project_code": w.projR.code,
        "hours": 8,
        "grade": "pass",
        "completed_on": "2025-03-05",
    }


@FUZZ
@given(
    data=st.data(),
    shape=st.sampled_from(["hours", "items", "items", "records", "anything"]),
)
def test_any_push_body_is_a_json_answer(api, valid_item, data, shape):
    if shape == "hours":  # a real item, its hours or leave any number at all
        body = {"records": [{**valid_item, data.draw(st.sampled_from(HOURS)): data.draw(numbers)}]}
    elif shape == "items":  # real items, one or two fields changed to odd values
        changes = data.draw(
            st.dictionaries(st.sampled_from(ITEM_KEYS), cells, min_size=1, max_size=2)
        )
        extra = data.draw(st.lists(json_values, max_size=2))
        body = {"records": [{**valid_item, **changes}, *extra]}
    elif shape == "records":
        body = {"records": data.draw(json_values)}
    else:
        body = data.draw(json_values)
    assert_json_answer(api.county.post(PUSH, body, format="json"))


@FUZZ
@given(
    data=st.data(),
    shape=st.sampled_from(["hours", "records", "records", "anything"]),
    policy=st.none() | st.sampled_from(["xinjiang-2024", "henan-2021"]) | odd_text,
)
def test_any_simulator_body_is_a_json_answer(client, settings, data, shape, policy):
    settings.SIMULATOR_RATES = {"anon": "100000/minute"}  # its throttle would answer 429
    record = {
        "id": "r1",
        "tier": "region",
        "mode": "centralized",
        "category": "compulsory_public",
        "hours": 40,
        "grade": "pass",
        "date": "2025-03-01",
        "approved": True,
    }
    if shape == "hours":
        body = {"records": [{**record, data.draw(st.sampled_from(HOURS)): data.draw(numbers)}]}
    elif shape == "records":
        changes = data.draw(
            st.dictionaries(st.sampled_from(sorted(record)), cells, min_size=1, max_size=2)
        )
        body = {"records": [{**record, **changes}], **({"policy": policy} if policy else {})}
    else:
        body = data.draw(json_values)
    response = client.post(SIMULATE, json.dumps(body), content_type="application/json")
    assert_json_answer(response)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=st.binary(max_size=300))
def test_bytes_that_are_not_json_are_a_400(api, raw):
    for url in (PUSH, SIMULATE):
        response = api.county.post(url, raw, content_type="application/json")
        assert_json_answer(response)
