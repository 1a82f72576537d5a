"""Reads of notices."""

from __future__ import annotations

from .models import Notice


def unread_count(user) -> int:
    """Return how many unread notices the bell shows (0 for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.restrict(user).unread().count()


def notices_for(user):
    return Notice.objects.restrict(user).order_by("-created_at", "-pk")
