"""The certificate admin: read-only lists, and revocation through the service with a reason."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from certificates.models import Certificate, CertificateStatus
from institutions.choices import Role

from .factories import issue

CHANGELIST = "admin:certificates_certificate_changelist"


@pytest.fixture
def certificates(world):
    return {name: issue(getattr(world, name)) for name in ("T1", "T3")}


@pytest.mark.django_db
def test_list_is_searchable_by_number_and_read_only(client, world, certificates):
    """Superusers find a certificate by its number; nobody adds or edits one by hand."""
    client.force_login(world.superuser)
    number = certificates["T1"].number.number
    html = client.get(reverse(CHANGELIST), {"q": number}).content.decode()
    assert number in html
    assert "张一" in html
    assert "李三" not in html
    assert client.get(reverse("admin:certificates_certificate_add")).status_code == 403
    change = reverse("admin:certificates_certificate_change", args=[certificates["T1"].pk])
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page
    assert world.T1.id_number not in page


@pytest.mark.django_db
def test_staff_officer_lists_only_their_jurisdiction(client, world, certificates):
    """A county officer with admin access sees their county's certificates only."""
    officer = world.users[Role.COUNTY_OFFICER]
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "张一" in html
    assert "李三" not in html
    assert "撤销所选证书" not in html  # no revoke permission by default


@pytest.mark.django_db
def test_revoke_action_asks_for_a_reason_then_revokes(client, world, certificates):
    """The action shows a confirmation page; with a reason it revokes through the service."""
    # given
    officer = world.users[Role.COUNTY_OFFICER]
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(Permission.objects.get(codename="revoke_certificate"))
    client.force_login(officer)
    target = certificates["T1"]
    outside = certificates["T3"]
    # when: first the confirmation
    data = {"action": "revoke", "_selected_action": [target.pk, outside.pk]}
    confirm = client.post(reverse(CHANGELIST), data)
    # then
    assert confirm.status_code == 200
    assert "撤销原因" in confirm.content.decode()
    assert Certificate.objects.get(pk=target.pk).status == CertificateStatus.ISSUED
    # when: confirmed with a reason
    done = client.post(
        reverse(CHANGELIST), {**data, "confirm": "1", "reason": "重复签发"}, follow=True
    )
    # then
    assert "已撤销 1 份证书" in done.content.decode()
    target.refresh_from_db()
    outside.refresh_from_db()
    assert (target.status, target.revoke_reason, target.revoked_by) == (
        CertificateStatus.REVOKED,
        "重复签发",
        officer,
    )
    assert outside.status == CertificateStatus.ISSUED  # outside the county: untouched
