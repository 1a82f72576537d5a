"""Fixtures of the API tests: the `world` of the root conftest plus one API client per kind."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from institutions.choices import Role
from platforms.models import ApiAccess
from platforms.services import register_api_client

REGION_TOKEN = "test-region-token"
COUNTY_TOKEN = "test-county-token"
READONLY_TOKEN = "test-readonly-token"
OTHER_COUNTY_TOKEN = "test-other-county-token"


def bearer(token: str) -> APIClient:
    """Return a DRF test client that sends `Authorization: Bearer <token>`."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def api(world):
    """The world, and test clients: region (read-write), county C1 (read-write), county C1
    (read-only), county C3 (read-write), a county officer's browser session, and anonymous."""
    a = SimpleNamespace(world=world)
    a.region_client = register_api_client(
        name="自治区平台", unit=world.R, access=ApiAccess.READ_WRITE, token=REGION_TOKEN
    ).client
    a.county_client = register_api_client(
        name="甲一县平台", unit=world.C1, access=ApiAccess.READ_WRITE, token=COUNTY_TOKEN
    ).client
    a.readonly_client = register_api_client(
        name="甲一县只读平台", unit=world.C1, access=ApiAccess.READ, token=READONLY_TOKEN
    ).client
    a.other_county_client = register_api_client(
        name="乙一县平台", unit=world.C3, access=ApiAccess.READ_WRITE, token=OTHER_COUNTY_TOKEN
    ).client
    a.region = bearer(REGION_TOKEN)
    a.county = bearer(COUNTY_TOKEN)
    a.readonly = bearer(READONLY_TOKEN)
    a.other_county = bearer(OTHER_COUNTY_TOKEN)
    a.session = APIClient()
    a.session.force_login(world.users[Role.COUNTY_OFFICER])  # acts for C1, like the county
    a.anonymous = APIClient()
    return a


@pytest.fixture
def as_kind(api):
    """Return the test client of a kind: region, county, readonly, session or anonymous."""
    return lambda kind: getattr(api, kind)


@pytest.fixture
def credited(api):
    """Approve rec1 (T1, county C1) and rec3 (T3, county C3), and audit C1 only: T3 has no
    audit rows yet."""
    import datetime

    from audit.progress import recompute_county_progress
    from credits.services import approve_records, declare_records
    from projects.choices import Grade

    w = api.world
    for record in (w.rec1, w.rec3):
        record.grade = Grade.PASS
        record.save()
    declare_records(by=w.superuser, record_ids=[w.rec1.pk, w.rec3.pk])
    approve_records(by=w.superuser, record_ids=[w.rec1.pk, w.rec3.pk])
    recompute_county_progress(county_id=w.C1.pk, as_of=datetime.date(2025, 6, 30))
    return api


@pytest.fixture
def certified(credited, settings, tmp_path):
    """Issue a cycle certificate to T1 (county C1) and one to T3 (county C3)."""
    from certificates.tests.factories import issue

    settings.MEDIA_ROOT = tmp_path / "media"
    credited.cert1 = issue(credited.world.T1)
    credited.cert3 = issue(credited.world.T3)
    return credited


@pytest.fixture(autouse=True)
def _fresh_process_state(settings):
    """Start each test with no requests counted against any client (in the cache or in this
    process), no token trusted and no progress answer kept: ids and tokens repeat across tests, whose rows are rolled
    back. Calls are logged at once."""
    from django.core.cache import cache

    from core.api_rates import forget_counted_requests
    from credits.api.selectors import forget_rendered_progress
    from platforms.tokens import forget_checked_tokens

    settings.API_CALL_LOG_BATCH = 1
    cache.clear()
    forget_checked_tokens()
    forget_counted_requests()
    forget_rendered_progress()
    yield
    cache.clear()
    forget_checked_tokens()
    forget_counted_requests()
    forget_rendered_progress()
