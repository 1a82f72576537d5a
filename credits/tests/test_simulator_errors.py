"""The simulator's errors, over HTTP and from the command: Chinese messages that name the
record and the field, no Python repr, no traceback, never a 500."""

import copy
import json
import re
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command

from .test_simulate_credits import PAYLOAD

pytestmark = pytest.mark.django_db
URL = "/api/v1/simulate/"


def with_record(**changes) -> dict:
    payload = copy.deepcopy(PAYLOAD)
    payload["records"].append({**payload["records"][0], "id": "r2", **changes})
    return payload


@pytest.mark.parametrize(
    ("payload", "code", "message"),
    [
        (
            with_record(hours=1e27),
            "out_of_range",
            "第 2 条记录（id r2）的“参训学时”填写的 1e+27 超出范围，应在 0 到 99999.9 之间。",
        ),
        (
            with_record(approved="yes"),
            "bad_payload",
            "第 2 条记录（id r2）的“项目已审核”的格式不对，应为true 或 false。",
        ),
        (
            with_record(id=None),
            "missing_field",
            "第 2 条记录缺少必填项“记录编号”。",
        ),
        (
            with_record(id="r1"),
            "bad_payload",
            "第 2 条记录（id r1）的记录编号与第 1 条记录重复：每条记录的 id 必须不同。",
        ),
        (
            {"records": [PAYLOAD["records"][0], None]},
            "bad_payload",
            "第 2 条记录的格式不对，应为对象（{…}）。",
        ),
        (
            with_record(hours={"a": [1, None]}),
            "bad_number",
            '第 2 条记录（id r2）的“参训学时”填写的“{"a": [1, null]}”不是有效数字，请填写数字。',
        ),
        (
            with_record(leave_hours=41),
            "leave_above_hours",
            "第 2 条记录（id r2）的请假学时（41）不能超过参训学时（40）。",
        ),
        (
            with_record(grade=None),
            "missing_field",
            "第 2 条记录（id r2）缺少必填项“考核等次”。",
        ),
        (
            with_record(date="2025-03-01" + "x" * 100),
            "bad_date",
            "第 2 条记录（id r2）的“完成日期”填写的“2025-03-01" + "x" * 39 + "…”不是有效日期，"
            "请按 YYYY-MM-DD 填写。",
        ),
        ({"teacher": PAYLOAD["teacher"]}, "missing_field", "缺少必填项“培训记录列表”。"),
    ],
)
def test_messages_name_the_record_and_the_field_in_chinese(client, payload, code, message):
    # when
    response = client.post(URL, payload, content_type="application/json")
    # then
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["message"]) == (code, message)
    for english in ("approved", "records.", "None", "'"):
        assert english not in body["message"]


@pytest.mark.parametrize("hours", [1e27, "1e30", 10**40])
def test_absurd_hours_are_a_400_not_a_500(client, hours):
    """Found by fuzzing: hours of 1e27 or more answered an HTML 500."""
    response = client.post(URL, with_record(hours=hours), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "out_of_range"


@pytest.mark.parametrize("policy", ["a\x00b", "x" * 41, "xinjiang 2024", "../etc"])
def test_a_policy_code_that_cannot_be_one_is_unknown_without_a_query(client, policy):
    """Found by schemathesis on PostgreSQL: a NUL in ?policy= reached the query (a 500)."""
    response = client.post(
        f"{URL}?{urlencode({'policy': policy})}", PAYLOAD, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_policy"
    assert "xinjiang-2024" in response.json()["params"]["allowed"]


def test_a_policy_in_the_body_that_is_not_text_is_quoted_as_json(client):
    response = client.post(URL, {**PAYLOAD, "policy": {"a": 1}}, content_type="application/json")
    assert response.json()["params"]["code"] == '{"a": 1}'


def test_a_form_body_is_refused_with_415(client):
    """Only JSON is read: a multipart body (with a NUL in ?policy=) was a 500."""
    response = client.post(f"{URL}?policy=a%00b", {"records": "x"})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_json_nested_too_deep_is_a_400(client):
    response = client.post(URL, "[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "parse_error",
        "message": "请求体不是有效的 JSON，请检查格式（引号、逗号、括号）。",
    }


# -- the command -----------------------------------------------------------------------------
def run_command(tmp_path, data: bytes, policy="xinjiang-2024"):
    path = tmp_path / "in.json"
    path.write_bytes(data)
    call_command("simulate_credits", "--policy", policy, str(path), stdout=StringIO())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            json.dumps(PAYLOAD, ensure_ascii=False).encode("gb18030") + "田".encode("gb18030"),
            "输入不是 UTF-8 编码的文本（第",
        ),
        (b"\xff\xfe{}", "输入不是 UTF-8 编码的文本（第 1 个字节无法识别）"),
        (b'{"records": [', "输入不是有效的 JSON（第 1 行第 14 列）：请检查引号、逗号和括号。"),
        (b"[" * 100_000, "输入的 JSON 嵌套层数过多，无法读取。"),
        (b'{"records": [], "as_of": ' + b"1" * 5000 + b"}", "输入中有位数过多的数字，无法读取。"),
        (
            json.dumps(with_record(hours=1e27)).encode(),
            "第 2 条记录（id r2）的“参训学时”填写的 1e+27 超出范围",
        ),
    ],
    ids=["gb18030", "utf-16-bom", "truncated", "deep", "long-number", "huge-hours"],
)
def test_a_bad_file_exits_2_with_a_chinese_message(tmp_path, data, message):
    with pytest.raises(CommandError, match=re.escape(message)) as e:
        run_command(tmp_path, data)
    assert e.value.returncode == 2


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError) as excinfo:
        call_command("simulate_credits", "--policy", "xinjiang-2024", str(tmp_path / "none.json"))
    assert str(excinfo.value) == f"无法读取输入文件 {tmp_path / 'none.json'}：文件不存在。"
    assert excinfo.value.returncode == 2


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    out = StringIO()
    path = tmp_path / "bom.json"
    path.write_bytes("\ufeff".encode() + json.dumps(PAYLOAD).encode())
    call_command("simulate_credits", "--policy", "xinjiang-2024", str(path), stdout=out)
    assert json.loads(out.getvalue())["records"][0]["total"] == 11.5
