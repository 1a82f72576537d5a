"""Fixtures of the audit tests: certificates it issues are written under the test's own
directory, never into media/."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
