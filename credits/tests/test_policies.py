"""Policies are data: five presets after migrate, versioned, frozen once published."""

import json
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from credits import rules
from credits.choices import PolicyStatus
from credits.errors import CreditRuleError, PolicyFrozen, PolicyNotFound
from credits.models import Policy, PolicyRequirement
from credits.selectors import active_policy, policy_for_county, policy_spec
from credits.services import create_policy_version, publish_policy
from institutions.tests.factories import CountyFactory, PrefectureFactory, RegionFactory

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).resolve().parents[1] / "presets" / "presets-v1.json"


def test_all_five_presets_are_active_after_migrate():
    """migrate alone loads every preset, so the simulator works with no other step."""
    assert set(
        Policy.objects.filter(status=PolicyStatus.ACTIVE).values_list("code", flat=True)
    ) == {
        "xinjiang-2024",
        "tianjin-binhai-6",
        "yicheng-2019",
        "songjiang-13",
        "henan-2021",
    }


@pytest.mark.parametrize("code", rules.PRESET_CODES)
def test_stored_policy_is_exactly_the_preset(code):
    """A stored policy rebuilds into the very spec the engine ships (columns ⇄ spec)."""
    assert policy_spec(active_policy(code)) == rules.get_preset(code)


def test_migration_snapshot_matches_the_presets():
    """A changed preset needs a new policy version and migration, not a silent edit."""
    snapshot = {e["spec"]["code"]: e["spec"] for e in json.loads(SNAPSHOT.read_text("utf-8"))}
    for code in rules.PRESET_CODES:
        assert rules.spec_from_dict(snapshot[code]) == rules.get_preset(code)


def test_new_version_is_a_draft_copy_and_publishing_retires_the_old_one(django_user_model):
    """Editing a policy in use means: copy as v2, change the draft, publish; v1 retires."""
    # given
    v1 = active_policy("xinjiang-2024")
    officer = django_user_model.objects.create(username="r")
    # when
    v2 = create_policy_version(policy=v1)
    row = v2.requirements.get(scope="year", key="elective")
    row.minimum = 3
    row.save()
    publish_policy(policy=v2, by=officer)
    # then
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (PolicyStatus.RETIRED, PolicyStatus.ACTIVE)
    assert v2.version == 2
    assert v2.based_on == v1
    assert active_policy("xinjiang-2024") == v2
    spec = policy_spec(active_policy("xinjiang-2024"))
    assert next(r for r in spec.rows_in(rules.Scope.YEAR) if r.key == "elective").minimum == 3
    # v1 keeps its own numbers: a later version never alters earlier ones
    assert policy_spec(v1) == rules.get_preset("xinjiang-2024")


def test_published_policy_cannot_be_published_again():
    """A published policy is frozen; the service says what to do instead."""
    with pytest.raises(PolicyFrozen, match="请先复制为新版本"):
        publish_policy(policy=active_policy("henan-2021"), by=None)


def test_invalid_draft_is_not_published():
    """The engine validates a draft before it goes live; an invalid one stays a draft."""
    draft = create_policy_version(policy=active_policy("xinjiang-2024"))
    PolicyRequirement.objects.filter(policy=draft, key="elective", scope="cycle").update(
        categories=["ethics"]  # a category Xinjiang does not use
    )
    with pytest.raises(CreditRuleError, match="政策参数"):
        publish_policy(policy=draft, by=None)
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT
    assert active_policy("xinjiang-2024").version == 1


def test_only_one_active_version_per_code_in_the_database():
    """Two active versions of one code are refused by a partial unique constraint."""
    draft = create_policy_version(policy=active_policy("henan-2021"))
    draft.status = PolicyStatus.ACTIVE
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()


def test_most_specific_policy_applies_to_a_county():
    """Xinjiang counties get xinjiang-2024; 滨海新区 gets Tianjin Binhai's; others none."""
    kashgar_city = CountyFactory(
        parent=PrefectureFactory(code="653100", parent=RegionFactory()), code="653101"
    )
    assert policy_for_county(kashgar_city).code == "xinjiang-2024"
    tianjin = RegionFactory(code="120000", name="天津市")
    binhai = CountyFactory(parent=tianjin, code="120116", name="滨海新区")
    assert policy_for_county(binhai).code == "tianjin-binhai-6"
    hexi = CountyFactory(parent=tianjin, code="120103", name="河西区")
    with pytest.raises(PolicyNotFound, match="河西区"):
        policy_for_county(hexi)
