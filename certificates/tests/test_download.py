"""Downloading a certificate PDF: its teacher and the jurisdiction that holds it, nobody else."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from institutions.choices import Role
from institutions.tests.factories import UserFactory

from .factories import issue


@pytest.fixture
def certificates(world):
    """Certificates of 张一 (T1, 甲一县), 张二 (T2, same school) and 李三 (T3, 乙一县)."""
    return {name: issue(getattr(world, name)) for name in ("T1", "T2", "T3")}


def _download(client, certificate):
    return client.get(reverse("certificates:download", args=[certificate.pk]))


@pytest.mark.django_db
@pytest.mark.pdf
def test_teacher_downloads_their_own_certificate(client, world, certificates):
    """The teacher gets the stored PDF, byte for byte (a real one, rendered)."""
    # given
    client.force_login(world.users[Role.TEACHER])
    own = certificates["T1"]
    # when
    response = _download(client, own)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    with own.pdf.open("rb") as stored:
        assert body == stored.read()


@pytest.mark.django_db
def test_teacher_cannot_download_another_teachers_certificate(client, world, certificates):
    """Another teacher's certificate, even in the same school, does not exist for them."""
    client.force_login(world.users[Role.TEACHER])
    assert _download(client, certificates["T2"]).status_code == 404
    assert _download(client, certificates["T3"]).status_code == 404


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.COUNTY_OFFICER, {"T1", "T2"}),
        (Role.PREFECTURE_OFFICER, {"T1", "T2"}),
        (Role.REGION_OFFICER, {"T1", "T2", "T3"}),
        (Role.SCHOOL_ADMIN, {"T1", "T2"}),
        (Role.INSTITUTION_STAFF, set()),
    ],
)
@pytest.mark.django_db
def test_officers_download_within_their_jurisdiction_only(
    client, world, certificates, role, allowed
):
    """Officers (and the school) reach the certificates of their own unit; others get 404."""
    client.force_login(world.users[role])
    got = {name for name, c in certificates.items() if _download(client, c).status_code == 200}
    assert got == allowed


@pytest.mark.django_db
def test_roleless_account_and_anonymous_visitor_cannot_download(client, world, certificates):
    """No role: 404; not signed in: sent to the login page."""
    response = _download(client, certificates["T1"])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(world.nobody)
    assert _download(client, certificates["T1"]).status_code == 404


@pytest.mark.django_db
def test_certificates_are_scoped_like_their_teachers(world, certificates):
    """Certificate.objects.restrict follows the teacher's school and county (STYLE §7)."""
    visible = {
        role: set(
            Certificate.objects.restrict(world.users[role]).values_list("teacher__name", flat=True)
        )
        for role in Role
    }
    assert visible[Role.TEACHER] == {"张一"}
    assert visible[Role.SCHOOL_ADMIN] == {"张一", "张二"}
    assert visible[Role.COUNTY_OFFICER] == {"张一", "张二"}
    assert visible[Role.REGION_OFFICER] == {"张一", "张二", "李三"}
    assert visible[Role.INSTITUTION_STAFF] == set()
    assert Certificate.objects.restrict(world.nobody).count() == 0
    assert (
        Certificate.objects.restrict(UserFactory(username="root3", is_superuser=True)).count() == 3
    )
