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


def login(page, email: str, password: str | None = None, *, confirm_password: bool = True) -> None:
    """Sign in through the real pages: email and password, then (for a role that needs MFA) the code of an
    authenticator app the helper sets up, then, as signing a sheet or changing a role would ask, the password
    confirmed again (allauth's reauthentication), so that those actions go straight through."""
    from django.core.cache import cache

    from centres.auth.policy import mfa_required
    from centres.models import User
    from tests.factories import PASSWORD
    from tests.signing_in import set_up_totp, totp_code

    user = User.objects.get(email=email)
    secret = None
    if mfa_required(user):
        from allauth.mfa.models import Authenticator

        secret = _totp_secrets.get(user.pk)
        if secret is None or not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            secret = _totp_secrets[user.pk] = set_up_totp(user)
    cache.clear()  # a code may be used once: signing the same person in twice within 30 seconds reuses it
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        assert secret is not None, f"{email} was asked for a second factor the helper does not know"
        page.fill("input[name=code]", totp_code(secret))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"login failed for {email}: {page.content()[:2000]}"
    assert "/accounts/2fa/" not in page.url, f"MFA not passed for {email}: {page.content()[:2000]}"
    if confirm_password:
        landed = page.url
        page.goto("/accounts/reauthenticate/")
        page.fill("input[name=password]", password or PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        page.goto(landed)


# The authenticator apps the helper set up, by user id (users are made afresh in each test's database).
_totp_secrets: dict[int, str] = {}


def verify_offline(new_page, archive):
    """verify.html from inside the ZIP, opened from a file:// path with the network off, checking that ZIP."""
    import zipfile

    from playwright.sync_api import expect

    folder = archive.parent / (archive.stem + "-unzipped")
    with zipfile.ZipFile(archive) as opened:
        opened.extract("verify.html", folder)
    page = new_page()
    page.context.set_offline(True)
    page.goto((folder / "verify.html").as_uri())
    page.set_input_files("#zip", str(archive))
    expect(page.locator("#verdict")).not_to_have_text("Checking…", timeout=20000)
    return page
