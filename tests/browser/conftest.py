"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

Browser tests are transactional (the live server runs in another thread), so each one puts the catalogue back
(the `catalogue` fixture in tests/conftest.py): the flush after a transactional test empties every table.
Screenshots go to test-artifacts/screenshots/<test>/<step>.png and stay there after the run.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(reason: str):
    """Fail when CI demands browser tests, otherwise skip with the reason."""
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        pytest.fail(f"Browser tests are required (REQUIRE_BROWSER_TESTS=1) but {reason}", pytrace=False)
    pytest.skip(f"Browser tests skipped: {reason} (run scripts/test to install Debian's chromium)")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        _unavailable("no Chromium was found (set CHROMIUM_PATH or install the chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are
    # synchronous, so Django's async-safety check is lifted while the browser is open (and only then).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_world(catalogue):
    from tests.factories import build_world

    return build_world()


@pytest.fixture
def new_page(browser, live_server):
    """Make fresh pages (each its own browser context, so its own cookies): `new_page()`."""
    contexts = []

    def make(viewport=None):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or {"width": 1280, "height": 900}, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    from playwright.sync_api import Error as PlaywrightError

    # Let requests the pages still make (lazily loaded images such as PDF page previews) finish before the test's
    # database is flushed: a request served during the flush's TRUNCATE deadlocked it on PostgreSQL.
    for context in contexts:
        for open_page in context.pages:
            try:
                open_page.wait_for_load_state("networkidle", timeout=5_000)
            except PlaywrightError:
                pass  # a page still busy after 5 s: closing it below cancels what it was doing
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
