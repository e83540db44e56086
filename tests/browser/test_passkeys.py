"""Passkeys (allauth.mfa WebAuthn) in Chromium with its virtual authenticator: register one, then sign in with it
and nothing else. The live server is http://localhost, a secure context, and the relying party id is its host."""

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def add_virtual_authenticator(page) -> tuple:
    """A platform authenticator that holds resident keys and verifies its user (as a phone or laptop would)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_register_a_passkey_then_sign_in_with_it(page, browser_world):
    person = browser_world.learner
    cdp, authenticator_id = add_virtual_authenticator(page)
    login(page, person.email)
    assert page.evaluate("window.isSecureContext")  # WebAuthn needs one: http://localhost is

    page.goto("/accounts/2fa/webauthn/add/")
    page.fill("input[name=name]", "Laptop")
    page.check("input[name=passwordless]")
    screenshot(page, "01-add-passkey")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    screenshot(page, "02-added")
    passkey = Authenticator.objects.get(user=person, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless  # a resident key, verified: it may sign in on its own
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"]

    # Signed out, the passkey alone signs in: no email, no password.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.click("#passkey_login")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.get_by_text(person.full_name).first).to_be_visible()
    assert "/accounts/2fa/" not in page.url
    screenshot(page, "03-signed-in-with-passkey")
