"""Each client has its own request budget per minute; past it the answer is 429."""

import pytest

from institutions.api_clients import ApiClient

pytestmark = pytest.mark.django_db


def test_a_client_over_its_limit_gets_429_and_others_do_not(api):
    # given
    ApiClient.objects.filter(pk=api.county_client.pk).update(requests_per_minute=3)
    # when
    statuses = [api.county.get("/api/v1/schools/").status_code for _ in range(4)]
    # then
    assert statuses == [200, 200, 200, 429]
    response = api.county.get("/api/v1/schools/")
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert api.region.get("/api/v1/schools/").status_code == 200
