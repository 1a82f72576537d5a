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
        _redis_client(settings.REDIS_URL).ping()
    except redis.RedisError as exc:
        return False, exc.__class__.__name__
    return True, ""


_clients: dict = {}


def _redis_client(url: str):
    """One client (and its connection pool) per process: a health check every few seconds, or
    a load balancer's, must not open a new connection each time."""
    import redis

    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    return _clients[url]
