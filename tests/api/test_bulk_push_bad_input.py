"""Hostile bodies and headers on POST /records/bulk/: item errors in the JSON shape, never a
500; long values refused without being repeated; idempotency keys kept whole."""

import hashlib
import json

import pytest

from platforms.models import IdempotencyKey
from projects.models import TrainingRecord

from .test_bulk_push import item

pytestmark = pytest.mark.django_db
URL = "/api/v1/records/bulk/"


@pytest.mark.parametrize(
    ("value", "kind"),
    [(None, "null"), (7, "数字"), ("x", "文字"), ([1], "列表（[…]）"), (True, "true 或 false")],
)
def test_an_item_that_is_not_an_object_is_an_item_error(api, value, kind):
    """Found by schemathesis: {"records": [null]} answered an HTML 500."""
    # given
    w = api.world
    before = TrainingRecord.objects.count()
    # when
    response = api.county.post(URL, {"records": [item("ok", w.T2, w.projR), value]}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_items"
    assert response.json()["errors"] == [
        {
            "index": 1,
            "external_id": "",
            "field": None,
            "message": f"第 2 条记录应为一个对象（{{…}}），不能是 {kind}。",
        }
    ]
    assert TrainingRecord.objects.count() == before


@pytest.mark.parametrize(
    ("field", "limit", "header"),
    [
        ("external_id", 64, "外部编号"),
        ("id_number", 32, "身份证号码"),
        ("name", 50, "姓名"),
        ("project_code", 32, "项目编号"),
        ("hours", 32, "参训学时"),
        ("leave_hours", 32, "请假学时"),
    ],
)
def test_a_value_over_its_length_is_refused_without_repeating_it(api, field, limit, header):
    """A megabyte of text in one field: one short message, and the answer stays small."""
    # given
    w = api.world
    huge = "9" * 1_000_000
    record = {**item("e1", w.T2, w.projR), field: huge}
    # when
    response = api.county.post(URL, {"records": [record]}, format="json")
    # then
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["message"]) == (field, f"“{header}”过长：最多 {limit} 个字符。")
    assert len(response.content) < 1000


def test_a_value_at_its_length_passes_the_length_check(api):
    """50 characters of name are taken (and then checked against the teacher as usual)."""
    w = api.world
    response = api.county.post(
        URL, {"records": [item("e1", w.T2, w.projR, name="王" * 50)]}, format="json"
    )
    (error,) = response.json()["errors"]
    assert error["field"] == "name"
    assert "不一致" in error["message"]


def test_an_idempotency_key_over_255_characters_is_refused(api):
    w = api.world
    response = api.county.post(
        URL,
        {"records": [item("e1", w.T2, w.projR)]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k" * 256,
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "idempotency_key_too_long",
        "message": "幂等键过长：最多 255 个字符，收到 256 个。请使用更短的幂等键。",
        "params": {"limit": 255, "length": 256},
    }
    assert not TrainingRecord.objects.filter(external_keys__external_id="e1").exists()


def test_long_keys_sharing_a_prefix_do_not_replay_each_other(api):
    """Two 255-character keys equal in their first 254: each push has its own answer.
    Before, keys were cut to 100 characters and the second push got the first's answer."""
    # given
    w = api.world
    first_key, second_key = "p" * 254 + "1", "p" * 254 + "2"
    # when
    first = api.county.post(
        URL, {"records": [item("e1", w.T2, w.projR)]}, format="json", HTTP_IDEMPOTENCY_KEY=first_key
    )
    second = api.county.post(
        URL,
        {"records": [item("e2", w.T2, w.projN)]},
        format="json",
        HTTP_IDEMPOTENCY_KEY=second_key,
    )
    # then
    assert (first.status_code, second.status_code) == (200, 200), second.json()
    assert "Idempotent-Replayed" not in second
    assert second.json()["items"][0]["external_id"] == "e2"
    stored = set(IdempotencyKey.objects.values_list("key", flat=True))
    assert stored == {hashlib.sha256(k.encode()).hexdigest() for k in (first_key, second_key)}


def test_a_reused_long_key_is_quoted_short(api):
    """The 409 names the key, cut to 50 characters."""
    w = api.world
    key = "q" * 200
    api.county.post(
        URL, {"records": [item("e1", w.T2, w.projR)]}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    response = api.county.post(
        URL, {"records": [item("e2", w.T2, w.projN)]}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 409
    assert f"幂等键“{'q' * 49}…”" in response.json()["message"]
    assert "q" * 51 not in json.dumps(response.json())
