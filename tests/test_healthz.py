"""GET /healthz says whether the database and Redis answer."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_healthy_database_answers_200(client, settings):
    """With the database up (and no Redis configured) the check is 200 and says so."""
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": {"ok": True, "error": ""}}}


@pytest.mark.django_db
def test_unreachable_redis_answers_503(client, settings):
    """A configured Redis that does not answer (nothing listens on port 1) makes it 503."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is False


@pytest.mark.redis
@pytest.mark.django_db
def test_real_redis_is_reported_reachable(client):
    """Against the configured Redis the check is green."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"ok": True, "error": ""}


def test_unreachable_database_answers_503():
    """When the database does not answer the check is 503 with JSON, not a traceback.

    Run in a fresh process whose DATABASE_URL points at a port nothing listens on.
    """
    script = (
        "from django.test import Client; r = Client().get('/healthz', HTTP_HOST='127.0.0.1'); "
        "print(r.status_code, r.content.decode())"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none", "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body)["checks"]["database"] == {"ok": False, "error": "OperationalError"}


@pytest.mark.django_db
def test_pages_keep_serving_when_redis_is_down(client, settings):
    """With the cache's Redis unreachable the portal still serves pages (a miss, not an error)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
    from django.core.cache import cache

    cache.set("probe", 1)  # swallowed
    assert cache.get("probe") is None
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/credits/calculator/").status_code == 200
