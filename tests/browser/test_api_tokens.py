"""A centre admin makes an API token on a phone, copies it once, and the API answers it; the API's docs page loads
Swagger UI from our own static files under the Content-Security-Policy."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.audit import PHONE, Findings, audit_page, watch_csp
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_makes_a_token_on_a_phone_and_it_works(new_page, browser_world):
    page = new_page(viewport=PHONE)
    csp = watch_csp(page)
    findings = Findings()
    login(page, browser_world.admin.email)
    page.goto("/api/tokens/")
    audit_page(page, "tokens", findings, csp)
    page.get_by_label("Name", exact=True).fill("College MIS")
    page.get_by_label("Read registrations").check()
    page.get_by_role("button", name="Make the token").click()
    secret = page.locator("#new-token").inner_text().strip()
    assert secret.startswith("ept_")
    expect(page.get_by_role("button", name="Revoke College MIS")).to_be_visible()
    audit_page(page, "token made", findings, csp)
    screenshot(page, "01-token-made")
    assert not findings.problems, findings.problems
    response = Client().get("/api/v1/registrations", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_api_docs_load_under_the_content_security_policy(page, browser_world):
    csp = watch_csp(page)
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("E-portfolio API")
    expect(page.locator(".opblock").first).to_be_visible()
    screenshot(page, "02-docs")
    assert not csp, csp
