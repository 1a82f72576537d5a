"""One approving level per record (004 五(三)), and each level's queue holds its own work."""

from decimal import Decimal

import pytest
from django.urls import reverse

from config.navigation import navigation_for
from credits.choices import ApprovingLevel, PolicyStatus
from credits.errors import RecordsNotFound
from credits.models import Policy
from credits.selectors import active_policy, approval_queue_for
from credits.services import (
    approve_records,
    create_policy_version,
    declare_records,
    publish_policy,
    register_training_record,
)
from institutions.choices import Role
from institutions.tests.factories import (
    CountyFactory,
    PrefectureFactory,
    RegionFactory,
    SchoolFactory,
    UserFactory,
)
from projects.choices import Category, Mode, ReviewStatus, Tier
from projects.models import TrainingProject
from projects.tests.factories import TrainingProjectFactory
from trainees.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kashgar():
    """Two counties of Kashgar (6531) and one of Aksu (6529), each with a declared record."""
    region = RegionFactory()
    kashgar = PrefectureFactory(code="653100", parent=region)
    aksu = PrefectureFactory(code="652900", parent=region)
    counties = {
        "kashgar_city": CountyFactory(parent=kashgar, code="653101"),
        "shufu": CountyFactory(parent=kashgar, code="653121"),
        "aksu_city": CountyFactory(parent=aksu, code="652901"),
    }
    project = TrainingProjectFactory(
        tier=Tier.REGION,
        issuing_unit=region,
        mode=Mode.CENTRALIZED,
        category=Category.COMPULSORY_PUBLIC,
        hours=Decimal(40),
    )
    records = {}
    admins = {}
    for key, county in counties.items():
        school = SchoolFactory(county=county)
        admins[key] = UserFactory(role=Role.SCHOOL_ADMIN, school=school)
        record = register_training_record(
            by=admins[key],
            teacher=TeacherFactory(school=school),
            project=project,
            hours=Decimal(40),
            grade="pass",
        )
        declare_records(by=admins[key], record_ids=[record.pk])
        records[key] = record
    officers = {
        "region": UserFactory(role=Role.REGION_OFFICER, unit=region),
        "kashgar": UserFactory(role=Role.PREFECTURE_OFFICER, unit=kashgar),
        "aksu": UserFactory(role=Role.PREFECTURE_OFFICER, unit=aksu),
        **{key: UserFactory(role=Role.COUNTY_OFFICER, unit=c) for key, c in counties.items()},
    }
    return {"records": records, "officers": officers, "admins": admins, "region": region}


def _queue(user) -> set[int]:
    return set(approval_queue_for(user, {}).values_list("pk", flat=True))


def _republish(policy: Policy, **values) -> Policy:
    draft = create_policy_version(policy=policy)
    Policy.objects.filter(pk=draft.pk).update(**values)
    draft.refresh_from_db()
    return publish_policy(policy=draft, by=None)


def _menu(user) -> set[str]:
    return {item.url_name for item in navigation_for(user)}


def test_xinjiang_counties_approve_and_the_levels_above_do_not(kashgar, client):
    """The Xinjiang preset names the county bureau: prefecture and region have no queue."""
    records, officers = kashgar["records"], kashgar["officers"]
    assert active_policy("xinjiang-2024").approving_level == ApprovingLevel.COUNTY
    assert _queue(officers["kashgar_city"]) == {records["kashgar_city"].pk}
    for level in ("kashgar", "region"):
        assert _queue(officers[level]) == set()
        assert "credits:approval_queue" not in _menu(officers[level])
        with pytest.raises(RecordsNotFound):
            approve_records(by=officers[level], record_ids=[records["kashgar_city"].pk])
        client.force_login(officers[level])
        response = client.get(reverse("credits:approval_queue"))
        assert response.status_code == 403
        assert "学分不由本级教育局认定" in response.content.decode()
    assert "credits:approval_queue" in _menu(officers["shufu"])
    result = approve_records(by=officers["kashgar_city"], record_ids=[records["kashgar_city"].pk])
    assert result.approved == 1


def test_a_prefecture_level_policy_moves_the_queue_up(kashgar):
    """Set to the prefecture: Kashgar's bureau approves its counties' records, counties none."""
    records, officers = kashgar["records"], kashgar["officers"]
    _republish(active_policy("xinjiang-2024"), approving_level=ApprovingLevel.PREFECTURE)
    assert _queue(officers["kashgar"]) == {records["kashgar_city"].pk, records["shufu"].pk}
    assert _queue(officers["aksu"]) == {records["aksu_city"].pk}
    assert _queue(officers["kashgar_city"]) == set()
    assert "credits:approval_queue" not in _menu(officers["kashgar_city"])
    assert "credits:approval_queue" in _menu(officers["kashgar"])
    with pytest.raises(RecordsNotFound):
        approve_records(by=officers["kashgar_city"], record_ids=[records["kashgar_city"].pk])
    assert approve_records(by=officers["kashgar"], record_ids=[records["shufu"].pk]).approved == 1


def test_a_narrower_policy_decides_for_its_own_counties(kashgar):
    """A Kashgar-only policy (6531) approved by the prefecture; the rest of 65 stays county."""
    records, officers = kashgar["records"], kashgar["officers"]
    base = active_policy("xinjiang-2024")
    draft = create_policy_version(policy=base)
    Policy.objects.filter(pk=draft.pk).update(
        code="xinjiang-kashgar",
        version=1,
        applies_to_code="6531",
        approving_level=ApprovingLevel.PREFECTURE,
    )
    draft.refresh_from_db()
    publish_policy(policy=draft, by=None)
    assert Policy.objects.filter(status=PolicyStatus.ACTIVE, applies_to_code="65").exists()
    assert _queue(officers["kashgar"]) == {records["kashgar_city"].pk, records["shufu"].pk}
    assert _queue(officers["kashgar_city"]) == set()
    assert _queue(officers["aksu_city"]) == {records["aksu_city"].pk}
    assert _queue(officers["aksu"]) == set()
    assert "credits:approval_queue" in _menu(officers["kashgar"])
    assert "credits:approval_queue" not in _menu(officers["aksu"])
    # The region sees both kinds of county below it, but approves at neither level.
    assert "credits:approval_queue" not in _menu(officers["region"])


def test_a_schools_project_is_reviewed_by_its_county_only(kashgar, client):
    """004 六(二): the county's CE office reviews its schools' projects; the levels above don't."""
    officers = kashgar["officers"]
    county = officers["kashgar_city"].unit
    project = TrainingProjectFactory(
        tier=Tier.SCHOOL,
        issuing_unit=county,
        school=SchoolFactory(county=county),
        review_status=ReviewStatus.SUBMITTED,
    )
    reviewable = TrainingProject.objects.filter(pk=project.pk)
    assert reviewable.restrict(officers["kashgar_city"], "review").exists()
    for level in ("kashgar", "region", "shufu"):
        assert not reviewable.restrict(officers[level], "review").exists()
    # The prefecture still sees it (oversight), and reviews the projects it issues itself.
    assert reviewable.restrict(officers["kashgar"], "view").exists()
    own = TrainingProjectFactory(
        tier=Tier.PREFECTURE, issuing_unit=officers["kashgar"].unit, school=None
    )
    own_project = TrainingProject.objects.filter(pk=own.pk)
    assert own_project.restrict(officers["kashgar"], "review").exists()
    assert not own_project.restrict(officers["region"], "review").exists()
    client.force_login(officers["kashgar"])
    page = client.get(reverse("projects:review_queue")).content.decode()
    assert project.name not in page
