"""The browser stack works: Chromium loads the live server's pages, styles included, and a person signs in."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_learner_signs_in_and_sees_home_page(page, browser_world):
    page.goto("/qualifications/")
    assert page.get_by_role("heading", level=1).count() == 1
    # Bootstrap is served by the app itself (no CDN): the navigation bar is styled.
    assert page.locator("nav.navbar").evaluate("e => getComputedStyle(e).display") == "flex"
    screenshot(page, "01-catalogue")

    login(page, browser_world.learner.email)
    expect(page.get_by_text(browser_world.learner.full_name).first).to_be_visible()
    screenshot(page, "02-home")


def test_wrong_password_is_refused_with_a_message(page, browser_world):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", browser_world.learner.email)
    page.fill("input[name=password]", "not-the-password")
    page.click("main button[type=submit]")
    assert "/accounts/login/" in page.url
    assert page.locator(".alert-danger, .errorlist, .invalid-feedback").count() >= 1
    screenshot(page, "01-refused")
