"""The teacher admin shows ID numbers masked: change form, history, revert form and list.

Reproduces finding 2 of #14: the change form put the whole ID number in an input's value for
every officer and school admin who opened it, and nobody's viewing was recorded.
"""

import datetime

import pytest
from django.urls import reverse

from institutions.choices import Role
from trainees.models import NationalIdDisclosure, Teacher
from trainees.tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def _change(teacher):
    return reverse("admin:trainees_teacher_change", args=[teacher.pk])


def _form_data(teacher, **changes):
    """The change form as a browser posts it, with the teacher's current values."""
    data = {
        "name": teacher.name,
        "gender": teacher.gender,
        "school": teacher.school_id,
        "subject": teacher.subject,
        "hired_on": teacher.hired_on.isoformat(),
        "career_stage": teacher.career_stage,
        "user": teacher.user_id or "",
        "is_active": "on",
        "new_id_number": "",
        "_save": "保存",
    }
    data.update(changes)
    return data


@pytest.fixture
def officer(world):
    """The county officer of 甲一县 with admin access, as the demo's officers have."""
    officer = world.users[Role.COUNTY_OFFICER]
    officer.is_staff = True
    officer.save()
    return officer


def test_county_officer_sees_the_number_masked_with_a_show_button(client, world, officer):
    """The finding: the change form gave a county officer T1's whole number without a trace."""
    # given
    client.force_login(officer)
    # when
    response = client.get(_change(world.T1))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert world.T1.id_number not in html
    assert world.T1.masked_id_number in html
    reveal = reverse("trainees:national_id_reveal", args=[world.T1.pk])
    assert f'formaction="{reveal}"' in html
    assert 'name="new_id_number"' in html
    assert "js/national_id.js" in html
    assert not NationalIdDisclosure.objects.exists()  # opening the form shows nothing whole


def test_saving_with_a_blank_new_number_keeps_the_number(client, world, officer):
    client.force_login(officer)
    response = client.post(_change(world.T1), _form_data(world.T1, name="张一一"))
    assert response.status_code == 302
    world.T1.refresh_from_db()
    number = Teacher.objects.get(pk=world.T1.pk).id_number
    assert (world.T1.name, number) == ("张一一", world.T1.id_number)


def test_whoever_may_change_the_teacher_corrects_the_number(client, world, officer):
    # given
    client.force_login(officer)
    new = make_id_number("659101", datetime.date(1990, 2, 3), 77)
    # when
    response = client.post(
        _change(world.T1), _form_data(world.T1, new_id_number=new[:-1] + new[-1].lower())
    )
    # then
    assert response.status_code == 302
    world.T1.refresh_from_db()
    assert world.T1.id_number == new
    latest = world.T1.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (officer, "更正身份证号码")


@pytest.mark.parametrize(
    ("bad", "message"),
    [("650102198506151", "应为18位"), ("T2", "一人只登记一次")],
)
def test_a_wrong_or_taken_new_number_is_refused(client, world, officer, bad, message):
    client.force_login(officer)
    number = world.T2.id_number if bad == "T2" else bad
    response = client.post(_change(world.T1), _form_data(world.T1, new_id_number=number))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Teacher.objects.get(pk=world.T1.pk).id_number == world.T1.id_number


def test_history_list_and_version_show_old_and_new_numbers_masked(client, world, officer):
    """simple_history's change list and its version (revert) form never show a whole number."""
    # given
    old = world.T1.id_number
    new = make_id_number("659101", datetime.date(1991, 4, 5), 78)
    client.force_login(officer)
    client.post(_change(world.T1), _form_data(world.T1, new_id_number=new))
    first = world.T1.history.earliest()
    # when
    listing = client.get(reverse("admin:trainees_teacher_history", args=[world.T1.pk]))
    version = client.get(
        reverse("admin:trainees_teacher_simple_history", args=[world.T1.pk, first.history_id])
    )
    # then
    assert listing.status_code == 200
    assert version.status_code == 200
    listing_html = listing.content.decode()
    assert old[:6] + "********" + old[-4:] in listing_html
    assert new[:6] + "********" + new[-4:] in listing_html
    for html in (listing_html, version.content.decode()):
        assert old not in html
        assert new not in html
    assert old[:6] + "********" + old[-4:] in version.content.decode()


def test_list_filters_on_the_number_are_refused(client, world, officer):
    """A digit-by-digit guess through ?id_number__startswith= is a bad request."""
    client.force_login(officer)
    url = reverse("admin:trainees_teacher_changelist")
    response = client.get(url, {"id_number__startswith": world.T1.id_number[:10]})
    assert response.status_code == 400
    assert client.get(url, {"id_number__regex": "^65"}).status_code == 400


def test_search_by_the_whole_number_still_finds_the_teacher_masked(client, world, officer):
    client.force_login(officer)
    url = reverse("admin:trainees_teacher_changelist")
    html = client.get(url, {"q": world.T1.id_number}).content.decode()
    assert "张一" in html
    assert "张二" not in html
    assert world.T1.masked_id_number in html  # the typed number comes back only in its links


def test_a_new_teacher_is_typed_in_with_the_whole_number(client, world):
    """Adding a teacher needs the number; the add form is the one place it is typed whole."""
    admin_user = world.users[Role.SCHOOL_ADMIN]
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    number = make_id_number("659101", datetime.date(1992, 6, 7), 79)
    response = client.post(
        reverse("admin:trainees_teacher_add"),
        {
            "name": "王五",
            "id_number": number,
            "gender": "male",
            "school": world.S1.pk,
            "subject": "chinese",
            "hired_on": "2015-09-01",
            "career_stage": "mature",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Teacher.objects.get(id_number=number).name == "王五"


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_finding_a_teacher_by_a_whole_number_is_logged(client, world):
    """A search that confirms a whole ID number counts as a showing: one disclosure row."""
    # given
    officer = _staff(world.users[Role.COUNTY_OFFICER])
    client.force_login(officer)
    # when
    page = client.get(reverse("admin:trainees_teacher_changelist"), {"q": world.T1.id_number})
    wrong = client.get(reverse("admin:trainees_teacher_changelist"), {"q": make_id_number()})
    # then
    assert "张一" in page.content.decode()
    assert "张一" not in wrong.content.decode()
    assert list(NationalIdDisclosure.objects.values_list("teacher_id", "viewer_id", "channel")) == [
        (world.T1.pk, officer.pk, "admin")
    ]


def test_roles_without_the_permission_cannot_confirm_a_number_by_search(client, world):
    """Institution staff see T1 (on their project) but a search by T1's number finds nothing."""
    staff = _staff(world.users[Role.INSTITUTION_STAFF])
    client.force_login(staff)
    by_name = client.get(reverse("admin:trainees_teacher_changelist"), {"q": "张一"})
    by_number = client.get(reverse("admin:trainees_teacher_changelist"), {"q": world.T1.id_number})
    assert "张一" in by_name.content.decode()
    assert "张一" not in by_number.content.decode()
    assert not NationalIdDisclosure.objects.exists()
