"""Reachability checks of the services the portal depends on."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def database_reachable() -> tuple[bool, str]:
    """Return whether the default database answers a trivial query, and the error if not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, exc.__class__.__name__
    return True, ""


def redis_reachable() -> tuple[bool, str] | None:
    """Return whether Redis answers PING, or None when no REDIS_URL is configured."""
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except redis.RedisError as exc:
        return False, exc.__class__.__name__
    return True, ""
