"""Platforms authenticate with a bearer token that is stored hashed, rotates and revokes."""

import hashlib

import pytest

from platforms.models import ApiCallLog, ApiClient
from platforms.services import revoke_api_client, rotate_api_client_token

from .conftest import COUNTY_TOKEN, bearer

pytestmark = pytest.mark.django_db


def test_only_a_hash_and_a_prefix_of_the_token_are_stored(api):
    """The row keeps SHA-256 of the token and its first 8 characters, never the token."""
    client = ApiClient.objects.get(pk=api.county_client.pk)
    assert client.token_hash == hashlib.sha256(COUNTY_TOKEN.encode()).hexdigest()
    assert client.token_prefix == COUNTY_TOKEN[:8]
    stored = [str(v) for v in ApiClient.objects.values_list(flat=False).get(pk=client.pk)]
    assert COUNTY_TOKEN not in stored


def test_wrong_token_gets_401_with_a_chinese_message(api):
    response = bearer("not-a-token").get("/api/v1/teachers/")
    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_failed",
        "message": "令牌无效、已更换或已吊销。",
    }


def test_malformed_authorization_header_gets_401(api):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer two words")
    response = client.get("/api/v1/teachers/")
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]


def test_rotating_the_token_retires_the_old_one_at_once(api):
    """After rotation the old token answers 401 and the new one works."""
    # given
    assert api.county.get("/api/v1/teachers/").status_code == 200
    # when
    issued = rotate_api_client_token(client=api.county_client)
    # then
    assert issued.token.startswith("xft_")
    assert len(issued.token) > 40
    assert api.county.get("/api/v1/teachers/").status_code == 401
    assert bearer(issued.token).get("/api/v1/teachers/").status_code == 200
    assert ApiClient.objects.get(pk=api.county_client.pk).token_prefix == issued.token[:8]


def test_a_revoked_client_gets_401_and_its_account_is_disabled(api):
    revoke_api_client(client=api.county_client)
    response = api.county.get("/api/v1/teachers/")
    assert response.status_code == 401
    api.county_client.user.refresh_from_db()
    assert api.county_client.user.is_active is False


def test_a_revoked_client_cannot_be_given_a_new_token(api):
    from platforms.errors import ApiClientRevoked

    revoke_api_client(client=api.county_client)
    with pytest.raises(ApiClientRevoked, match="已吊销"):
        rotate_api_client_token(client=api.county_client)


def test_every_call_of_a_client_is_logged(api):
    """Method, path, status and duration are logged per call, for answers good and bad."""
    # when
    api.county.get("/api/v1/teachers/")
    api.county.get(f"/api/v1/teachers/{api.world.T3.pk}/")
    api.session.get("/api/v1/teachers/")  # a browser user is not an API client
    # then
    calls = list(
        ApiCallLog.objects.order_by("pk").values_list("client_id", "method", "path", "status")
    )
    assert calls == [
        (api.county_client.pk, "GET", "/api/v1/teachers/", 200),
        (api.county_client.pk, "GET", f"/api/v1/teachers/{api.world.T3.pk}/", 404),
    ]
    assert all(log.duration_ms >= 0 for log in ApiCallLog.objects.all())


def test_browser_session_user_is_served(api):
    response = api.session.get("/api/v1/teachers/")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {api.world.T1.pk, api.world.T2.pk}


def test_a_token_revoked_elsewhere_is_refused_within_the_trust_period(api, monkeypatch):
    """Revoked by another process (this one's trust in the token is not dropped), the token
    keeps working at most TOKEN_CACHE_SECONDS (5 s), then answers 401 (docs/api.md)."""
    from django.utils import timezone

    from platforms import tokens as api_clients

    # given: this process checked the token a moment ago
    assert api.county.get("/api/v1/teachers/").status_code == 200
    checked_at = api_clients._checked_tokens[api_clients.hash_token(COUNTY_TOKEN)][1]
    # when: another process revokes the client (a plain update: nothing is forgotten here)
    ApiClient.objects.filter(pk=api.county_client.pk).update(revoked_at=timezone.now())
    # then: trusted until the period ends, refused from then on
    monkeypatch.setattr(api_clients.time, "monotonic", lambda: checked_at + 4.9)
    assert api.county.get("/api/v1/teachers/").status_code == 200
    monkeypatch.setattr(api_clients.time, "monotonic", lambda: checked_at + 5.0)
    assert api.county.get("/api/v1/teachers/").status_code == 401
    assert api.county.get("/api/v1/teachers/").status_code == 401
