"""The simulator contract: the command and POST /api/v1/simulate/ give the same JSON."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "teacher": {"hired_on": "2024-09-01", "groups": ["class_teacher"]},
    "records": [
        {
            "id": "r1",
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
    ],
}


def _command(payload, policy="xinjiang-2024", tmp_path=None):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    out = StringIO()
    call_command("simulate_credits", "--policy", policy, str(path), stdout=out)
    return json.loads(out.getvalue())


def test_issue_example_gives_ten_plus_one_and_a_half(tmp_path):
    """40 h centralized, region tier, excellent: 10 base + 15% = 11.5 (004 五(二)1-2)."""
    result = _command(PAYLOAD, tmp_path=tmp_path)
    assert result["records"] == [
        {
            "id": "r1",
            "base": 10.0,
            "bonus": 1.5,
            "total": 11.5,
            "category": "compulsory_public",
            "school_year": "2024-2025",
            "counted": True,
            "explanation": "40 学时 − 0 请假 = 40 学时 ÷ 4 = 10.00 学分；自治区级 优秀 +15% = 1.50；合计 11.50 学分",
        }
    ]
    assert result["years"][0]["year"] == "2024-2025"
    assert result["years"][0]["required"]["total"] == 18.0
    # hired 2024-09-01: owes the school years 2024-2025 … 2028-2029, capped at 90 (POLICIES §7.6)
    assert result["cycle"]["required"]["total"] == 90.0
    assert result["cycle"]["required"]["induction"] == 30.0
    assert result["cycle"]["complete"] is False


def test_api_returns_the_same_json_as_the_command(client, tmp_path):
    """POST /api/v1/simulate/ and the command agree to the last key."""
    from_command = _command(PAYLOAD, tmp_path=tmp_path)
    response = client.post(
        "/api/v1/simulate/?policy=xinjiang-2024", PAYLOAD, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == from_command
    in_body = client.post(
        "/api/v1/simulate/", {**PAYLOAD, "policy": "xinjiang-2024"}, content_type="application/json"
    )
    assert in_body.json() == from_command


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"tier": "moon"}, "unknown_word", "项目级别”不能是“moon"),
        ({"grade": "great"}, "unknown_word", "考核等次”不能是“great"),
        ({"category": "ethics"}, "unknown_word", "课程类别”不能是“ethics"),
        ({"hours": -4}, "negative_hours", "不能为负数"),
        ({"leave_hours": 41}, "leave_above_hours", "请假学时（41）不能超过参训学时（40）"),
        ({"date": "2025.3.1"}, "bad_date", "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_chinese_400_and_exit_status_2(client, tmp_path, change, code, message):
    """Unknown words, negative hours and leave above hours: HTTP 400 / exit 2, in Chinese."""
    payload = {**PAYLOAD, "records": [{**PAYLOAD["records"][0], **change}]}
    response = client.post("/api/v1/simulate/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert message in response.json()["message"]
    with pytest.raises(CommandError, match=message) as excinfo:
        _command(payload, tmp_path=tmp_path)
    assert excinfo.value.returncode == 2


def test_unknown_policy_is_refused(client):
    """An unknown policy code names the codes that exist."""
    response = client.post(
        "/api/v1/simulate/?policy=beijing", PAYLOAD, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_policy"
    assert "xinjiang-2024" in response.json()["params"]["allowed"]


def test_command_reads_stdin_and_exits_2_on_errors(tmp_path):
    """`-` reads standard input; a bad payload ends with status 2 and no traceback.

    Runs the real command in a fresh process on a freshly migrated SQLite file: migrate alone
    is enough for the simulator (the presets come with it).
    """
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "REDIS_URL": ""}

    def run(*args, stdin=""):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
            env=env,
            timeout=120,
            check=False,
        )

    assert run("migrate", "-v0").returncode == 0
    ok = run("simulate_credits", "--policy", "xinjiang-2024", "-", stdin=json.dumps(PAYLOAD))
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["records"][0]["total"] == 11.5
    bad = run(
        "simulate_credits", "--policy", "xinjiang-2024", "-", stdin='{"records": [{"id": 1}]}'
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "缺少必填项" in bad.stderr
