"""In-portal notices: told once per event, read only by their recipient, counted by the bell."""

import pytest
from django.urls import reverse

from institutions.choices import Role
from institutions.tests.factories import UserFactory
from notices.models import Notice, NoticeKind
from notices.selectors import unread_count
from notices.services import Message, mark_read, tell

pytestmark = pytest.mark.django_db


def _message(user, key="e1", link="/progress/"):
    return Message(
        recipient_id=user.pk,
        kind=NoticeKind.CREDITS_CORRECTED,
        title="学分已更正",
        body="《测试项目》的学分已由 10.00 更正为 8.00。",
        event_key=key,
        link=link,
    )


def test_telling_twice_stores_one_notice_and_outside_links_are_dropped():
    teacher = UserFactory(role=Role.TEACHER)
    assert tell([_message(teacher)]) == 1
    assert tell([_message(teacher)]) == 0  # a retried task tells nobody twice
    assert tell([_message(teacher, key="e2", link="https://evil.example/")]) == 1
    assert Notice.objects.count() == 2
    assert Notice.objects.get(event_key="e2").link == ""


def test_a_notice_is_its_recipients_only_even_for_a_superuser(client):
    teacher = UserFactory(role=Role.TEACHER)
    other = UserFactory(role=Role.TEACHER)
    root = UserFactory(is_superuser=True, is_staff=True)
    tell([_message(teacher)])
    notice = Notice.objects.get()
    assert unread_count(teacher) == 1
    assert unread_count(other) == unread_count(root) == 0
    for outsider in (other, root):
        client.force_login(outsider)
        assert "学分已更正" not in client.get(reverse("notices:list")).content.decode()
        assert client.post(reverse("notices:open", args=[notice.pk])).status_code == 404
        mark_read(user=outsider)
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_bell_counts_unread_notices_and_opening_one_reads_it_and_follows_its_link(client):
    teacher = UserFactory(role=Role.TEACHER)
    tell([_message(teacher), _message(teacher, key="e2")])
    client.force_login(teacher)
    home = client.get(reverse("notices:list")).content.decode()
    assert 'class="count">2<' in home
    first = Notice.objects.get(event_key="e1")
    answer = client.post(reverse("notices:open", args=[first.pk]))
    assert answer.status_code == 302
    assert answer["Location"] == "/progress/"
    assert unread_count(teacher) == 1
    client.post(reverse("notices:read_all"))
    assert unread_count(teacher) == 0
    assert 'class="count"' not in client.get(reverse("notices:list")).content.decode()
