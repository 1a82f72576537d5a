"""No page of the portal shows a whole ID number; the progress page offers 显示 to roles that may.

A sweep of every page a teacher's number could reach (lists, details, the record form's teacher
picker, the enrolment list, progress, the admin's lists and record forms), for every role.
"""

import pytest
from django.urls import reverse

from institutions.choices import Role
from trainees.models import NationalIdDisclosure

pytestmark = pytest.mark.django_db


def _pages(w):
    return [
        reverse("home"),
        reverse("records:list"),
        reverse("records:list") + f"?q={w.T1.name}",
        reverse("records:detail", args=[w.rec1.pk]),
        reverse("records:new"),  # the teacher picker
        reverse("credits:approval_queue"),
        reverse("credits:ledger"),
        reverse("credits:overview"),
        reverse("credits:unit_overview", args=[w.C1.code]),
        reverse("credits:school_overview", args=[w.S1.pk]),
        reverse("credits:teacher_list"),
        reverse("credits:anomalies"),
        reverse("projects:project_list"),
        reverse("projects:project_detail", args=[w.proj1.pk]),  # the enrolment list
        reverse("certificates:my_progress"),
        reverse("certificates:teacher_progress", args=[w.T1.pk]),
        reverse("trainees:national_id_log"),
        reverse("admin:trainees_teacher_changelist"),
        reverse("admin:trainees_teacher_change", args=[w.T1.pk]),
        reverse("admin:trainees_teacher_history", args=[w.T1.pk]),
        reverse("admin:projects_trainingrecord_changelist"),
        reverse("admin:projects_trainingrecord_change", args=[w.rec1.pk]),
        reverse("admin:trainees_nationaliddisclosure_changelist"),
    ]


@pytest.mark.parametrize("who", [*Role, "superuser"])
def test_no_page_shows_a_whole_id_number(client, world, who):
    # given
    user = world.superuser if who == "superuser" else world.users[who]
    user.is_staff = True
    user.save()
    client.force_login(user)
    numbers = {t.id_number for t in (world.T1, world.T2, world.T3)}
    # when
    shown = {}
    for url in _pages(world):
        response = client.get(url)
        html = response.content.decode()
        shown[url] = (response.status_code, sorted(n for n in numbers if n in html))
    # then
    assert {url: found for url, (_, found) in shown.items() if found} == {}
    assert any(status == 200 for status, _ in shown.values())
    assert not NationalIdDisclosure.objects.exists()


def test_an_officer_gets_a_show_button_on_the_progress_page(client, world):
    # given
    client.force_login(world.users[Role.COUNTY_OFFICER])
    page = reverse("certificates:teacher_progress", args=[world.T1.pk])
    # when
    html = client.get(page).content.decode()
    # then
    assert world.T1.masked_id_number in html
    assert reverse("trainees:national_id_reveal", args=[world.T1.pk]) in html
    assert "js/national_id.js" in html
    response = client.post(
        reverse("trainees:national_id_reveal", args=[world.T1.pk]), {"from": page}
    )
    assert world.T1.id_number in response.content.decode()
    assert reverse("certificates:teacher_progress", args=[world.T1.pk]) in response.content.decode()
    row = NationalIdDisclosure.objects.get()
    assert (row.channel, row.path) == ("page", page)


def test_a_teacher_sees_their_own_number_masked_without_a_button(client, world):
    client.force_login(world.users[Role.TEACHER])
    html = client.get(reverse("certificates:my_progress")).content.decode()
    assert world.T1.masked_id_number in html
    assert world.T1.id_number not in html
    assert "national-id/" not in html


def test_the_disclosure_log_exports_as_filtered_with_masked_numbers(client, world):
    """A region officer exports who saw whose number; the file never holds a whole number."""
    import io

    import openpyxl

    from trainees.services import reveal_national_id

    reveal_national_id(
        teacher_id=world.T1.pk, by=world.users[Role.COUNTY_OFFICER], channel="page", path="/x/"
    )
    client.force_login(world.users[Role.REGION_OFFICER])
    response = client.get(reverse("trainees:national_id_log"), {"export": "xlsx"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    body = [row for row in rows[5:] if row[0] and not str(row[0]).startswith("共")]
    assert [(row[1], row[2]) for row in body] == [("c1", world.T1.name)]
    assert world.T1.id_number not in str(rows)
