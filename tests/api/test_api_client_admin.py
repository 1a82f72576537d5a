"""Officers register, rotate and revoke API clients in the admin; tokens are shown once."""

import pytest
from django.contrib.messages import get_messages

from platforms.models import ApiAccess, ApiClient
from platforms.tokens import hash_token

from .conftest import COUNTY_TOKEN, REGION_TOKEN, bearer

pytestmark = pytest.mark.django_db


def _shown_token(response) -> str:
    (message,) = [str(m) for m in get_messages(response.wsgi_request) if "令牌" in str(m)]
    return message.rsplit("：", 1)[1]


def test_registering_in_the_admin_shows_the_token_once(client, world):
    # given
    client.force_login(world.superuser)
    # when
    response = client.post(
        "/admin/platforms/apiclient/add/",
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
    change = f"/admin/platforms/apiclient/{registered.pk}/change/"
    assert token in client.get(change).content.decode()  # the pending message, once
    assert token not in client.get(change).content.decode()


def test_rotate_and_revoke_actions(client, api):
    client.force_login(api.world.superuser)
    url = "/admin/platforms/apiclient/"
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
    page = client.get("/admin/platforms/apicalllog/").content.decode()
    assert "/api/v1/schools/" in page


def _staff_officer(world, role):
    officer = world.users[role]
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    return officer


def test_a_county_officer_registers_clients_only_for_the_county(client, world):
    """A county officer's client is scoped to the county; another county is refused."""
    from institutions.choices import Role

    client.force_login(_staff_officer(world, Role.COUNTY_OFFICER))
    form = {"access": ApiAccess.READ, "requests_per_minute": 60, "contact": ""}
    inside = client.post(
        "/admin/platforms/apiclient/add/", {**form, "name": "甲一县平台", "unit": world.C1.pk}
    )
    outside = client.post(
        "/admin/platforms/apiclient/add/", {**form, "name": "甲二县平台", "unit": world.C2.pk}
    )
    assert inside.status_code == 302
    assert bearer(_shown_token(inside)).get("/api/v1/schools/").status_code == 200
    assert outside.status_code == 200  # the form again, with the unit refused
    assert "选择一个有效的选项" in outside.content.decode()
    assert not ApiClient.objects.filter(name="甲二县平台").exists()


def test_officers_see_and_rotate_only_their_jurisdictions_clients(client, api):
    from institutions.choices import Role

    client.force_login(_staff_officer(api.world, Role.COUNTY_OFFICER))
    listing = client.get("/admin/platforms/apiclient/").content.decode()
    assert api.county_client.name in listing
    assert api.region_client.name not in listing
    client.post(
        "/admin/platforms/apiclient/",
        {"action": "rotate_tokens", "_selected_action": [api.region_client.pk]},
    )
    assert bearer(REGION_TOKEN).get("/api/v1/schools/").status_code == 200  # untouched
    change = f"/admin/platforms/apiclient/{api.region_client.pk}/change/"
    assert client.get(change).status_code in (302, 404)


def test_the_service_refuses_a_unit_outside_the_officers_jurisdiction(world):
    from institutions.choices import Role
    from platforms.errors import ApiClientOutsideJurisdiction
    from platforms.services import register_api_client

    with pytest.raises(ApiClientOutsideJurisdiction) as refused:
        register_api_client(name="越权", unit=world.R, by=world.users[Role.COUNTY_OFFICER])
    assert "只能为本辖区" in str(refused.value)
