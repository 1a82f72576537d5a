"""A school admin imports only for their own teachers and visible projects, only their uploads;
other roles get 403."""

import pytest
from django.urls import reverse

from imports.errors import ImportNotAllowed, UploadNotFound
from imports.uploads import get_upload, store_upload
from institutions.choices import Role
from institutions.tests.factories import UserFactory
from projects.models import TrainingRecord

from .test_import_support import (
    check,
    check_and_commit,
    media,  # noqa: F401 a fixture
    record_row,
    uploaded,
    xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def admin(world):
    return world.users[Role.SCHOOL_ADMIN]


def test_other_schools_teacher_and_invisible_project_are_row_errors(world, admin):
    """李三 (乙一县) and 乙一县's project are outside 甲一县第一中学: errors, nothing written."""
    rows = [record_row(world.T3, world.projR), record_row(world.T1, world.proj3)]
    _upload, summary = check_and_commit(xlsx(rows), admin)
    assert [(e.row, e.column) for e in summary.errors] == [(2, "A"), (3, "C")]
    assert not summary.is_committed
    assert not TrainingRecord.objects.filter(teacher=world.T3, project=world.projR).exists()
    assert not TrainingRecord.objects.filter(teacher=world.T1, project=world.proj3).exists()


def test_superuser_imports_for_any_school(world):
    """A superuser's rows may name any teacher and project."""
    rows = [record_row(world.T3, world.projR), record_row(world.T1, world.proj3)]
    _upload, summary = check_and_commit(xlsx(rows), world.superuser)
    assert (summary.created, summary.errors) == (2, [])


def test_another_school_admin_cannot_open_or_confirm_the_upload(client, world, admin):
    """Tampering the upload id in the confirm form gives 404 and writes nothing."""
    upload, summary = check(xlsx([record_row(world.T2, world.projR)]), admin)
    assert summary.is_valid
    other = UserFactory(username="s3", role=Role.SCHOOL_ADMIN, school=world.S3)
    client.force_login(other)
    response = client.post(reverse("imports:confirm"), {"upload": upload.id})
    assert response.status_code == 404
    for name in ("imports:preview", "imports:status", "imports:report"):
        assert client.get(reverse(name, args=[upload.id])).status_code == 404
    assert not TrainingRecord.objects.filter(teacher=world.T2, project=world.projR).exists()
    with pytest.raises(UploadNotFound):
        get_upload(upload_id=upload.id, by=other)


@pytest.mark.parametrize("upload_id", ["../../etc", "x", "", "a" * 65])
def test_malformed_upload_ids_are_not_found(world, admin, upload_id):
    with pytest.raises(UploadNotFound):
        get_upload(upload_id=upload_id, by=admin)


@pytest.mark.parametrize(
    "role",
    [
        Role.COUNTY_OFFICER,
        Role.PREFECTURE_OFFICER,
        Role.REGION_OFFICER,
        Role.TEACHER,
        Role.INSTITUTION_STAFF,
    ],
)
def test_other_roles_get_403_on_every_page(client, world, admin, role):
    """Only accounts that may add training records reach the import pages."""
    upload, _summary = check(xlsx([record_row(world.T2, world.projR)]), admin)
    client.force_login(world.users[role])
    for name, args in [
        ("imports:upload", []),
        ("imports:template", []),
        ("imports:preview", [upload.id]),
        ("imports:status", [upload.id]),
        ("imports:report", [upload.id]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    response = client.post(reverse("imports:confirm"), {"upload": upload.id})
    assert response.status_code == 403
    assert not TrainingRecord.objects.filter(teacher=world.T2, project=world.projR).exists()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_service_refuses_a_county_officer(world):
    """Even called directly, the service refuses an account without the permission."""
    with pytest.raises(ImportNotAllowed, match="没有登记培训记录的权限"):
        store_upload(file=uploaded(b"x"), by=world.users[Role.COUNTY_OFFICER])
