"""Writes of notices: telling accounts of events, marking notices read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from .models import Notice


@dataclass(frozen=True)
class Message:
    """One notice to store for one recipient."""

    recipient_id: int
    kind: str
    title: str
    body: str
    event_key: str
    link: str = ""


def tell(messages: Iterable[Message]) -> int:
    """Store the notices; one already stored for the same recipient and event is skipped.

    Idempotent, so a retried task or a rerun tells nobody twice. Returns how many are new.
    """
    rows = [
        Notice(
            recipient_id=m.recipient_id,
            kind=m.kind,
            title=m.title[:100],
            body=m.body[:1000],
            link=m.link[:200] if m.link.startswith("/") else "",
            event_key=m.event_key[:100],
        )
        for m in messages
    ]
    if not rows:
        return 0
    keys = {(r.recipient_id, r.event_key) for r in rows}
    before = Notice.objects.filter(
        recipient_id__in={k[0] for k in keys}, event_key__in={k[1] for k in keys}
    ).count()
    Notice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    after = Notice.objects.filter(
        recipient_id__in={k[0] for k in keys}, event_key__in={k[1] for k in keys}
    ).count()
    return after - before


def mark_read(*, user, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notices read (all unread ones when `notice_ids` is None)."""
    notices = Notice.objects.restrict(user).unread()
    if notice_ids is not None:
        notices = notices.filter(pk__in=list(notice_ids))
    return notices.update(read_at=timezone.now())
