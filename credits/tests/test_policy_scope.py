"""A region officer drafts and publishes their own region's policies, never another's (#14)."""

import pytest
from django.urls import reverse

from credits.choices import PolicyStatus
from credits.models import Policy
from credits.services import create_policy_version
from institutions.choices import Role, UnitLevel
from institutions.tests.factories import UserFactory


@pytest.fixture
def henan_officer(db):
    from institutions.tests.factories import RegionFactory

    henan = RegionFactory(code="410000", name="河南省", level=UnitLevel.REGION)
    return UserFactory(username="henan", role=Role.REGION_OFFICER, unit=henan, is_staff=True)


@pytest.fixture
def drafts(db):
    """A draft of Xinjiang's and of Henan's policy."""
    xinjiang = Policy.objects.get(code="xinjiang-2024", status=PolicyStatus.ACTIVE)
    henan = Policy.objects.get(code="henan-2021", status=PolicyStatus.ACTIVE)
    return create_policy_version(policy=xinjiang), create_policy_version(policy=henan)


def test_region_officer_reads_and_changes_only_their_regions_policies(world, drafts):
    """Xinjiang's officer sees Xinjiang's policies; Henan's and Tianjin's are not theirs."""
    officer = world.users[Role.REGION_OFFICER]
    readable = set(Policy.objects.restrict(officer, "view").values_list("code", flat=True))
    changeable = set(Policy.objects.restrict(officer, "change").values_list("pk", flat=True))
    assert readable == {"xinjiang-2024"}
    assert drafts[0].pk in changeable
    assert drafts[1].pk not in changeable


def test_county_officer_reads_the_policy_that_applies_from_above(world):
    """A county officer reads its region's policy (they hold view_policy only)."""
    officer = world.users[Role.COUNTY_OFFICER]
    assert set(Policy.objects.restrict(officer, "view").values_list("code", flat=True)) == {
        "xinjiang-2024"
    }
    assert not Policy.objects.restrict(officer, "change").exists()


def test_another_regions_draft_cannot_be_opened_or_published(client, world, drafts):
    """Posting the publish action on Henan's draft as Xinjiang's officer publishes nothing."""
    # given
    officer = world.users[Role.REGION_OFFICER]
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    henan_draft = drafts[1]
    # when
    page = client.get(reverse("admin:credits_policy_change", args=[henan_draft.pk]))
    client.post(
        reverse("admin:credits_policy_changelist"),
        {"action": "publish", "_selected_action": [henan_draft.pk, drafts[0].pk]},
    )
    # then
    assert page.status_code == 302  # the admin sends a missing object to its index
    henan_draft.refresh_from_db()
    assert henan_draft.status == PolicyStatus.DRAFT
    drafts[0].refresh_from_db()
    assert drafts[0].status == PolicyStatus.ACTIVE


def test_henan_officer_publishes_henan_but_not_xinjiang(client, henan_officer, drafts):
    """The other way round too: each region keeps to its own."""
    client.force_login(henan_officer)
    client.post(
        reverse("admin:credits_policy_changelist"),
        {"action": "publish", "_selected_action": [p.pk for p in drafts]},
    )
    statuses = [Policy.objects.get(pk=p.pk).status for p in drafts]
    assert statuses == [PolicyStatus.DRAFT, PolicyStatus.ACTIVE]
