"""Take the README's screenshots from a running portal (make run) with headless Chromium.

    .venv/bin/python scripts/take_screenshots.py [http://127.0.0.1:8000]

Writes docs/screenshots/*.png at a 375 px phone width (desktop width for the admin and the
oversight pages' second shot).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "demo12345"  # noqa: S105 the public demo password
PHONE = {"width": 375, "height": 812}
SHOTS = [
    # Each shot: file name, demo login to use (None: signed out), page path, viewport.
    ("login-375.png", None, "/accounts/login/", PHONE),
    ("home-county-375.png", "demo-county", "/", PHONE),
    ("home-school-375.png", "demo-school", "/", PHONE),
    ("home-teacher-375.png", "demo-teacher", "/", PHONE),
    # The oversight pages at both widths, one per level (demo data: 2025-2026 has credits).
    *[
        (f"oversight-{level}-{width}.png", login, path, size)
        for level, login, path in (
            ("region", "demo-region", "/credits/overview/650000/?year=2025-2026"),
            ("prefecture", "demo-prefecture", "/credits/overview/650100/?year=2025-2026"),
            ("county", "demo-county", "/credits/overview/650102/?year=2025-2026"),
            ("school", "demo-school", "/credits/overview/"),
        )
        for width, size in (("375", PHONE), ("1366", {"width": 1366, "height": 900}))
    ],
    (
        "admin-records.png",
        "demo-county",
        "/admin/projects/trainingrecord/",
        {"width": 1280, "height": 800},
    ),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        for name, username, path, viewport in SHOTS:
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            if username:
                page.goto(f"{BASE}/accounts/login/")
                page.get_by_label("用户名").fill(username)
                page.get_by_label("密码").fill(PASSWORD)
                page.get_by_role("button", name="登录").click()
                page.wait_for_load_state()
            page.goto(f"{BASE}{path}")
            page.screenshot(path=str(OUT / name), full_page=viewport is PHONE)
            context.close()
            print(OUT / name)  # noqa: T201 a script's output
        browser.close()


if __name__ == "__main__":
    main()
