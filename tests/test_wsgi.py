"""config.wsgi loads the application, then hides it from the garbage collector."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PROBE = (
    "import gc, config.wsgi;"
    "from django.urls import get_resolver;"
    "print(gc.get_freeze_count(), 'url_patterns' in get_resolver().__dict__)"
)


def test_the_loaded_application_is_frozen():
    # A new interpreter: freezing this test process's objects would prove nothing.
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=Path(settings.BASE_DIR),
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    frozen, populated = result.stdout.split()
    # Django, DRF and the apps: well over 50,000 objects (about 130,000 here).
    assert int(frozen) > 50_000
    assert populated == "True"  # the URLconf was loaded before the freeze
