"""Revealing a whole ID number: only to roles that may, inside their jurisdiction, and logged."""

import datetime

import pytest
from django.utils import timezone

from institutions.choices import Role
from trainees.choices import DisclosureChannel
from trainees.errors import NationalIdNotPermitted, TeacherNotFound
from trainees.models import NationalIdDisclosure
from trainees.services import record_national_id_disclosures, reveal_national_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.SCHOOL_ADMIN, Role.REGION_OFFICER])
def test_reveal_returns_the_whole_number_and_logs_who_whose_when_where(world, role):
    """A role with view_national_id sees a teacher of its own unit; the showing is logged."""
    # given
    viewer = world.users[role]
    before = timezone.now()
    # when
    revealed = reveal_national_id(
        teacher_id=world.T1.pk,
        by=viewer,
        channel=DisclosureChannel.ADMIN,
        path=f"/admin/trainees/teacher/{world.T1.pk}/change/",
        address="10.1.2.3",
    )
    # then
    assert revealed.id_number == world.T1.id_number
    row = NationalIdDisclosure.objects.get()
    assert (row.viewer, row.teacher, row.channel, row.address, row.api_client) == (
        viewer,
        world.T1,
        DisclosureChannel.ADMIN,
        "10.1.2.3",
        None,
    )
    assert row.path == f"/admin/trainees/teacher/{world.T1.pk}/change/"
    assert before <= row.disclosed_at <= timezone.now()
    assert revealed.disclosure == row


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.SCHOOL_ADMIN])
def test_teacher_of_another_jurisdiction_is_not_found_and_nothing_is_logged(world, role):
    """T3 teaches in 乙一县: the county officer and school admin of 甲一县 cannot reach them."""
    with pytest.raises(TeacherNotFound, match="不在您的管辖范围内"):
        reveal_national_id(teacher_id=world.T3.pk, by=world.users[role])
    assert not NationalIdDisclosure.objects.exists()


@pytest.mark.parametrize("role", [Role.INSTITUTION_STAFF, Role.TEACHER])
def test_roles_without_the_permission_are_refused_and_nothing_is_logged(world, role):
    """Institution staff see T1 (on their project) and a teacher sees themself, but neither may
    see a whole ID number, not even the teacher their own."""
    with pytest.raises(NationalIdNotPermitted, match="无权查看完整身份证号码"):
        reveal_national_id(teacher_id=world.T1.pk, by=world.users[role])
    assert not NationalIdDisclosure.objects.exists()


def test_an_account_without_a_role_is_refused_before_any_lookup(world):
    with pytest.raises(NationalIdNotPermitted):
        reveal_national_id(teacher_id=0, by=world.nobody)


def test_a_missing_teacher_is_not_found(world):
    with pytest.raises(TeacherNotFound):
        reveal_national_id(teacher_id=world.T3.pk + 1000, by=world.superuser)


def test_long_paths_are_cut_to_the_column(world):
    reveal_national_id(teacher_id=world.T1.pk, by=world.superuser, path="/" + "x" * 300)
    assert len(NationalIdDisclosure.objects.get().path) == 200


def test_bulk_log_writes_one_row_per_teacher_in_one_query(world, django_assert_num_queries):
    """An API page that carried whole numbers is logged with one INSERT, one row per teacher."""
    # given
    client_account = world.users[Role.REGION_OFFICER]
    ids = [world.T1.pk, world.T2.pk, world.T3.pk, world.T1.pk]
    # when
    with django_assert_num_queries(1):
        count = record_national_id_disclosures(
            teacher_ids=ids, by=client_account, channel=DisclosureChannel.API, path="/api/v1/"
        )
    # then
    assert count == 3
    rows = list(NationalIdDisclosure.objects.order_by("teacher_id"))
    assert sorted(r.teacher_id for r in rows) == sorted({world.T1.pk, world.T2.pk, world.T3.pk})
    assert {(r.viewer_id, r.channel) for r in rows} == {(client_account.pk, "api")}
    assert len({r.disclosed_at for r in rows}) == 1


def test_log_rows_are_scoped_to_the_teachers_county(world):
    """The region officer reads every row; a county officer given the permission only theirs."""
    from django.contrib.auth.models import Permission

    # given
    record_national_id_disclosures(
        teacher_ids=[world.T1.pk, world.T3.pk], by=world.superuser, channel="page"
    )
    county = world.users[Role.COUNTY_OFFICER]
    # then
    assert NationalIdDisclosure.objects.restrict(world.users[Role.REGION_OFFICER]).count() == 2
    assert not NationalIdDisclosure.objects.restrict(county).exists()  # no permission by default
    assert not NationalIdDisclosure.objects.restrict(world.users[Role.SCHOOL_ADMIN]).exists()
    county.user_permissions.add(Permission.objects.get(codename="view_nationaliddisclosure"))
    county = type(county).objects.get(pk=county.pk)  # a fresh permission cache
    assert [r.teacher for r in NationalIdDisclosure.objects.restrict(county)] == [world.T1]


def test_rows_are_ordered_newest_first(world):
    record_national_id_disclosures(teacher_ids=[world.T1.pk], by=world.superuser, channel="page")
    NationalIdDisclosure.objects.create(
        teacher=world.T2,
        viewer=world.superuser,
        channel="page",
        disclosed_at=timezone.now() - datetime.timedelta(days=1),
    )
    assert [r.teacher for r in NationalIdDisclosure.objects.all()] == [world.T1, world.T2]
