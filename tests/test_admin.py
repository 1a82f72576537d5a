"""The Django admin lists every model in Chinese, inside the officer's jurisdiction."""

import pytest
from django.contrib import admin
from django.urls import reverse

from institutions.choices import Role


def _changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m.__name__)
def test_every_changelist_renders_for_the_superuser(client, world, model):
    """Each registered model's list renders, with its search box where one is configured."""
    client.force_login(world.superuser)
    response = client.get(_changelist(model), {"q": "甲"})
    assert response.status_code == 200


def test_admin_is_in_chinese(client, world):
    """The admin's index is titled in Chinese."""
    client.force_login(world.superuser)
    html = client.get(reverse("admin:index")).content.decode()
    assert "学分通" in html
    assert "培训记录" in html


@pytest.fixture
def staff_county_officer(world):
    officer = world.users[Role.COUNTY_OFFICER]
    officer.is_staff = True
    officer.save()
    return officer


def test_county_officer_lists_only_their_county_teachers(client, world, staff_county_officer):
    """The teacher list of a county officer shows its teachers and masks ID numbers."""
    from trainees.models import Teacher

    client.force_login(staff_county_officer)
    html = client.get(_changelist(Teacher)).content.decode()
    assert "张一" in html
    assert "张二" in html
    assert "李三" not in html
    assert world.T1.masked_id_number in html


def test_county_officer_cannot_open_another_countys_teacher(client, world, staff_county_officer):
    """Guessing the id of a teacher elsewhere leads nowhere."""
    url = reverse("admin:trainees_teacher_change", args=[world.T3.pk])
    client.force_login(staff_county_officer)
    response = client.get(url)
    assert response.status_code == 302  # the admin redirects a missing object to its index
    assert "李三" not in client.get(response.url).content.decode()
    response = client.post(url, {"name": "改名"})
    world.T3.refresh_from_db()
    assert world.T3.name == "李三"


def test_county_officer_cannot_change_a_region_project(client, world, staff_county_officer):
    """A region-tier project is readable below but not editable by the county."""
    client.force_login(staff_county_officer)
    url = reverse("admin:projects_trainingproject_change", args=[world.projR.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_published_policy_is_read_only_and_copies_to_a_draft(client, world):
    """A policy in use is never edited in place: the admin offers a new version instead."""
    from credits.models import Policy

    client.force_login(world.superuser)
    v1 = Policy.objects.get(code="xinjiang-2024", version=1)
    page = client.get(reverse("admin:credits_policy_change", args=[v1.pk])).content.decode()
    assert 'name="_save"' not in page
    response = client.post(
        reverse("admin:credits_policy_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [v1.pk]},
        follow=True,
    )
    assert "已创建草稿" in response.content.decode()
    draft = Policy.objects.get(code="xinjiang-2024", version=2)
    assert draft.status == "draft"
    assert draft.requirements.count() == v1.requirements.count()
    page = client.get(reverse("admin:credits_policy_change", args=[draft.pk])).content.decode()
    assert 'name="_save"' in page
