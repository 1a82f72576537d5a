"""Officers register, rotate and revoke API clients in the admin; tokens are shown once."""

import pytest
from django.contrib.messages import get_messages

from institutions.api_clients import ApiAccess, ApiClient, hash_token

from .conftest import COUNTY_TOKEN, bearer

pytestmark = pytest.mark.django_db


def _shown_token(response) -> str:
    (message,) = [str(m) for m in get_messages(response.wsgi_request) if "令牌" in str(m)]
    return message.rsplit("：", 1)[1]


def test_registering_in_the_admin_shows_the_token_once(client, world):
    # given
    client.force_login(world.superuser)
    # when
    response = client.post(
        "/admin/institutions/apiclient/add/",
        {
            "name": "甲一县教师培训平台",
            "unit": world.C1.pk,
            "access": ApiAccess.READ,
            "requests_per_minute": 600,
            "contact": "李老师",
        },
    )
    # then
    assert response.status_code == 302
    token = _shown_token(response)
    registered = ApiClient.objects.get(name="甲一县教师培训平台")
    assert registered.token_hash == hash_token(token)
    assert registered.user.unit == world.C1
    assert bearer(token).get("/api/v1/schools/").status_code == 200
    change = f"/admin/institutions/apiclient/{registered.pk}/change/"
    assert token in client.get(change).content.decode()  # the pending message, once
    assert token not in client.get(change).content.decode()


def test_rotate_and_revoke_actions(client, api):
    client.force_login(api.world.superuser)
    url = "/admin/institutions/apiclient/"
    response = client.post(
        url, {"action": "rotate_tokens", "_selected_action": [api.county_client.pk]}
    )
    new_token = _shown_token(response)
    assert bearer(COUNTY_TOKEN).get("/api/v1/schools/").status_code == 401
    assert bearer(new_token).get("/api/v1/schools/").status_code == 200
    client.post(url, {"action": "revoke_clients", "_selected_action": [api.county_client.pk]})
    assert bearer(new_token).get("/api/v1/schools/").status_code == 401


def test_the_call_log_is_listed(client, api):
    api.county.get("/api/v1/schools/")
    client.force_login(api.world.superuser)
    page = client.get("/admin/institutions/apicalllog/").content.decode()
    assert "/api/v1/schools/" in page
