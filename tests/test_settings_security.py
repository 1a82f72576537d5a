"""Secrets and HTTPS settings (#14 findings 2 and 5): no silent key, a clean check --deploy."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from certificates.selectors import certificate_pk_from_code, verification_code_for

ROOT = Path(__file__).resolve().parents[1]
STRONG_KEY = "k3Y-for-the-deploy-check-" + "x9Qz" * 10
DEPLOY_WARNINGS = ["security.W004", "security.W008", "security.W012", "security.W016"]


def _environment(**values):
    """The test process's environment without any key, with `values` on top."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "HTTPS", "ALLOWED_HOSTS"}
        and name != "DJANGO_ALLOW_ASYNC_UNSAFE"  # set for Playwright in the test process
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(values)
    return env


def _run(args, **env):
    return subprocess.run(
        args, cwd=ROOT, env=_environment(**env), capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "manage.py", "check"],
        [sys.executable, "-c", "import config.wsgi"],
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"],
    ],
    ids=["manage", "wsgi", "celery-worker"],
)
def test_processes_refuse_to_start_without_a_secret_key(command):
    """With DEBUG off and no SECRET_KEY, the web process and workers stop with a clear message."""
    result = _run(command, DEBUG="0")
    assert result.returncode != 0
    assert "未设置 SECRET_KEY" in result.stderr


def test_secret_key_file_is_read(tmp_path):
    """SECRET_KEY_FILE (as `make` writes it) is enough to start."""
    key_file = tmp_path / "key"
    key_file.write_text(STRONG_KEY + "\n")
    result = _run([sys.executable, "manage.py", "check"], SECRET_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr


def test_https_settings_leave_check_deploy_silent():
    """DEBUG off, a strong key, a real host and HTTPS=1: check --deploy finds nothing."""
    for proxies in ("0", "1"):
        result = _run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            DEBUG="0",
            SECRET_KEY=STRONG_KEY,
            ALLOWED_HOSTS="portal.example.cn",
            HTTPS="1",
            TRUSTED_PROXY_COUNT=proxies,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout
        assert not any(code in result.stdout + result.stderr for code in DEPLOY_WARNINGS)


def test_without_https_check_deploy_names_what_is_missing():
    """Without HTTPS=1 the same check warns about HSTS, the redirect and both cookies."""
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy"],
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="portal.example.cn",
    )
    for code in DEPLOY_WARNINGS:
        assert code in result.stderr


def test_https_behind_a_proxy_trusts_its_forwarded_scheme(settings):
    """HTTPS=1 with TRUSTED_PROXY_COUNT=1 reads X-Forwarded-Proto; the settings module says so."""
    result = _run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)",
        ],
        SECRET_KEY=STRONG_KEY,
        HTTPS="1",
        TRUSTED_PROXY_COUNT="1",
    )
    assert result.stdout.split() == [
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "True",
        "31536000",
        "True",
    ]


def test_rotated_key_keeps_issued_verification_codes_valid(settings):
    """A QR code signed with the old key verifies while that key is in SECRET_KEY_FALLBACKS."""
    # given a code issued under the old key
    certificate = SimpleNamespace(pk=17)
    settings.SECRET_KEY = "old-" + STRONG_KEY
    code = verification_code_for(certificate)
    # when the bureau rotates the key
    settings.SECRET_KEY = "new-" + STRONG_KEY
    settings.SECRET_KEY_FALLBACKS = ["old-" + STRONG_KEY]
    # then
    assert certificate_pk_from_code(code) == 17
    settings.SECRET_KEY_FALLBACKS = []
    assert certificate_pk_from_code(code) is None
