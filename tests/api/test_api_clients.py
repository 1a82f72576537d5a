"""Registering a client gives it an officer account of its unit; demo clients are idempotent."""

import pytest

from demo.api_clients import ensure_demo_api_clients
from institutions.choices import Role
from institutions.tests.factories import CountyFactory, PrefectureFactory, RegionFactory
from platforms.models import ApiAccess, ApiClient
from platforms.services import register_api_client, set_api_client_access
from platforms.tokens import hash_token
from projects.models import TrainingRecord
from trainees.models import Teacher

pytestmark = pytest.mark.django_db


def test_a_client_acts_as_an_officer_of_its_unit(world):
    """A county client's account is a county officer of that county, with no password."""
    issued = register_api_client(name="甲一县平台", unit=world.C1)
    user = issued.client.user
    assert (user.role, user.unit, user.is_active) == (Role.COUNTY_OFFICER, world.C1, True)
    assert not user.has_usable_password()
    assert set(Teacher.objects.restrict(user, "view")) == {world.T1, world.T2}


@pytest.mark.parametrize(
    ("unit", "role"),
    [("R", Role.REGION_OFFICER), ("P1", Role.PREFECTURE_OFFICER), ("C3", Role.COUNTY_OFFICER)],
)
def test_the_role_follows_the_units_level(world, unit, role):
    client = register_api_client(name=f"{unit}平台", unit=getattr(world, unit)).client
    assert client.user.role == role


def test_only_read_write_clients_may_add_and_change_records(world):
    """The record permissions follow the access, both ways."""
    # given
    client = register_api_client(name="只读平台", unit=world.C1, access=ApiAccess.READ).client
    assert not client.user.has_perm("projects.add_trainingrecord")
    # when
    set_api_client_access(client=client, access=ApiAccess.READ_WRITE)
    user = type(client.user).objects.get(pk=client.user.pk)  # a fresh permission cache
    # then
    assert user.has_perm("projects.add_trainingrecord")
    assert TrainingRecord.objects.restrict(user, "change").count() == 3
    set_api_client_access(client=client, access=ApiAccess.READ)
    user = type(client.user).objects.get(pk=client.user.pk)
    assert not user.has_perm("projects.change_trainingrecord")


def test_random_tokens_are_shown_once_and_differ(world):
    first = register_api_client(name="一", unit=world.C1)
    second = register_api_client(name="二", unit=world.C1)
    assert first.token != second.token
    assert first.client.token_hash == hash_token(first.token)


def test_demo_clients_are_created_once_with_their_public_tokens(db):
    """ensure_demo_api_clients makes the region and 天山区 read-write clients; twice is once."""
    # given
    region = RegionFactory()
    urumqi = PrefectureFactory(code="650100", name="乌鲁木齐市", parent=region)
    CountyFactory(code="650102", name="天山区", parent=urumqi)
    # when
    first = ensure_demo_api_clients()
    second = ensure_demo_api_clients()
    # then
    assert [i.token for i in first] == ["demo-region-token", "demo-county-token"]
    assert [i.client.pk for i in first] == [i.client.pk for i in second]
    assert ApiClient.objects.count() == 2
    region_client, county_client = (i.client for i in first)
    assert (region_client.unit.code, region_client.access) == ("650000", ApiAccess.READ_WRITE)
    assert (county_client.unit.code, county_client.access) == ("650102", ApiAccess.READ_WRITE)
    assert county_client.token_hash == hash_token("demo-county-token")


def test_the_nightly_purge_drops_call_log_lines_past_their_retention(api, settings):
    """Lines older than API_CALL_LOG_RETENTION_DAYS go; recent ones stay."""
    import datetime

    from django.utils import timezone

    from platforms.models import ApiCallLog
    from platforms.tasks import purge_api_call_log

    settings.API_CALL_LOG_RETENTION_DAYS = 30
    now = timezone.now()
    ApiCallLog.objects.bulk_create(
        ApiCallLog(
            client=api.county_client,
            method="GET",
            path="/api/v1/schools/",
            status=200,
            duration_ms=3,
            at=now - datetime.timedelta(days=age),
        )
        for age in (1, 29, 31, 400)
    )
    assert purge_api_call_log.delay().get() == 2
    ages = sorted((now - at).days for at in ApiCallLog.objects.values_list("at", flat=True))
    assert ages == [1, 29]
