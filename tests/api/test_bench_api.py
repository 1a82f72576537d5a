"""The bench_api command runs end to end at a tiny size and prints one JSON line."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_bench_api_smoke(world, capsys):
    # when
    call_command("bench_api", teachers=40, in_process=True, requests=5, bulk_calls=1, bulk_size=10)
    # then
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["teachers"] == 40
    assert result["progress"]["non_2xx"] == 0
    assert result["healthz"]["non_2xx"] == 0
    assert result["healthz_after"]["non_2xx"] == 0
    mean = (result["healthz"]["rps"] + result["healthz_after"]["rps"]) / 2
    assert result["progress_to_healthz"] == round(result["progress"]["rps"] / mean, 2)
    assert result["bulk"]["records"] == 10
    assert result["bulk"]["two_platforms_at_once"]["records"] == 10
    assert result["bulk"]["statuses"] == [200]
    assert result["bulk"]["resend_status"] == 200
    assert result["call_log"]["rows_logged"] == 15  # 5 requests, 3 logged rounds
