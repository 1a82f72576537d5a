"""The credit calculator page: anyone can try the rules, results match the simulator."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MANAGEMENT = {
    "records-TOTAL_FORMS": "2",
    "records-INITIAL_FORMS": "0",
    "records-MIN_NUM_FORMS": "1",
    "records-MAX_NUM_FORMS": "50",
}


def _row(index, **values):
    row = {
        "tier": "region",
        "mode": "centralized",
        "category": "compulsory_public",
        "hours": "40",
        "leave_hours": "0",
        "grade": "excellent",
        "role": "trainee",
        "date": "2025-03-01",
        "approved": "on",
        **values,
    }
    return {f"records-{index}-{key}": value for key, value in row.items()}


def test_page_opens_without_login_with_an_example(client):
    """The calculator needs no account and starts with a worked example row."""
    response = client.get(reverse("credits:calculator"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "学分计算器" in html
    assert 'value="40"' in html


def test_two_records_are_credited_with_explanations_and_progress(client):
    """40 h region excellent = 11.5; 50 h online county good = 10 + 5% = 10.5 (004 五(二))."""
    data = {
        "policy": "xinjiang-2024",
        "hired_on": "2015-09-01",
        **MANAGEMENT,
        **_row(0),
        **_row(1, tier="county", mode="online", category="elective", hours="50", grade="good"),
    }
    response = client.post(reverse("credits:calculator"), data)
    result = response.context["result"]
    assert [r["total"] for r in result["records"]] == [11.5, 10.5]
    html = response.content.decode()
    assert "合计 11.50 学分" in html
    assert 'role="progressbar"' in html
    cycle = response.context["sections"][0]
    total_bar = next(bar for bar in cycle.bars if bar.key == "total")
    assert (total_bar.counted, total_bar.required) == (22.0, 90.0)
    assert total_bar.percent == 24


def test_leave_above_hours_is_explained_in_chinese(client):
    """A rule refusal shows on the page as a Chinese message, not an error page."""
    data = {
        "policy": "xinjiang-2024",
        **MANAGEMENT,
        "records-TOTAL_FORMS": "1",
        **_row(0, leave_hours="41"),
    }
    response = client.post(reverse("credits:calculator"), data)
    assert response.status_code == 200
    assert "请假学时（41）不能超过参训学时（40）" in response.content.decode()
    assert response.context["result"] is None
