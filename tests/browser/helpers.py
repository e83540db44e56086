"""Helpers for the browser journeys: screenshots kept after the run, signing in through the real form."""

import os
import re
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _test_folder() -> str:
    current = os.environ.get("PYTEST_CURRENT_TEST", "unknown").split(" ")[0]
    name = current.split("::")[-1]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def screenshot(page, step: str) -> Path:
    """Save a full-page screenshot of this step under test-artifacts/screenshots/<test>/<step>.png."""
    folder = ARTIFACTS / _test_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', step)}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("SCREENSHOT_TIMING"):
        import time

        global _last
        now = time.perf_counter()
        print(f"{step}: {now - _last:.1f}s" if _last else step)
        _last = now
    return path


_last = 0.0


def login(page, email: str, password: str | None = None) -> None:
    from tests.factories import PASSWORD

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"login failed for {email}: {page.content()[:2000]}"
