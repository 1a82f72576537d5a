"""Playwright drives Debian's Chromium (no browser download); pages are checked at 375 px."""

import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PHONE = {"width": 375, "height": 812}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if chromium is None:
        pytest.skip(
            "chromium is not installed: run scripts/install-system-deps.sh (make test does)"
        )
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "zh-CN"}


@pytest.fixture
def screenshot(page):
    """Save a full-page PNG of the current page under artifacts/ and return its path."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def fits_phone_width(page) -> bool:
    """Return whether the page scrolls no wider than the phone (no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
