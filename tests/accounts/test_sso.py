"""Single sign-on by OpenID Connect (allauth): providers configured from the environment, and only people who
already have an account get in, matched by the email address the provider vouches for. No network: the provider's
discovery document, token exchange and user info are stood in for."""

from unittest import mock
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Client
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from centres.models import User
from config.settings.sso import oidc_apps_from_env

ENTRA = {
    "SSO_ENTRA_TENANT_ID": "tenant-1",
    "SSO_ENTRA_CLIENT_ID": "entra-client",
    "SSO_ENTRA_CLIENT_SECRET": "entra-secret",
    "SSO_ENTRA_EMAIL_DOMAINS": "example.test, Northgate.example",
}
GOOGLE = {"SSO_GOOGLE_CLIENT_ID": "google-client", "SSO_GOOGLE_CLIENT_SECRET": "google-secret"}


# --- Configuration ---------------------------------------------------------------------------------------------


def test_no_sso_variables_no_providers():
    assert oidc_apps_from_env({}) == []


def test_entra_and_google_from_named_variables():
    entra, google = oidc_apps_from_env({**ENTRA, **GOOGLE, "SSO_GOOGLE_HOSTED_DOMAIN": "northgate.example"})
    assert entra["provider_id"] == "entra" and entra["client_id"] == "entra-client"
    assert entra["settings"]["server_url"] == "https://login.microsoftonline.com/tenant-1/v2.0"
    # Entra ID sends no email_verified claim: the organisation's own domains count as verified.
    assert entra["settings"]["verified_email"] == ["example.test", "northgate.example"]
    assert google["settings"]["server_url"] == "https://accounts.google.com"
    assert google["settings"]["auth_params"] == {"hd": "northgate.example"}
    assert "verified_email" not in google["settings"]  # Google says which addresses it verified


def test_other_providers_from_json():
    (app,) = oidc_apps_from_env(
        {
            "SSO_OIDC_PROVIDERS": '[{"id": "okta", "name": "Okta", "server_url": "https://x.okta.com",'
            ' "client_id": "c", "secret": "s"}]'
        }
    )
    assert app["provider_id"] == "okta" and app["settings"]["server_url"] == "https://x.okta.com"


@pytest.mark.parametrize(
    "environ",
    [
        {"SSO_ENTRA_CLIENT_ID": "c"},
        {"SSO_GOOGLE_CLIENT_ID": "c"},
        {"SSO_OIDC_PROVIDERS": "not json"},
        {"SSO_OIDC_PROVIDERS": '{"id": "x"}'},
        {"SSO_OIDC_PROVIDERS": '[{"id": "x", "name": "X"}]'},
        {
            **GOOGLE,
            "SSO_OIDC_PROVIDERS": '[{"id": "google", "name": "G", "server_url": "u", "client_id": "c", "secret": "s"}]',
        },
    ],
)
def test_bad_configuration_fails_fast(environ):
    with pytest.raises(ImproperlyConfigured):
        oidc_apps_from_env(environ)


# --- Signing in ------------------------------------------------------------------------------------------------

OPENID_CONFIG = {
    "authorization_endpoint": "https://idp.example.test/authorize",
    "token_endpoint": "https://idp.example.test/token",
    "userinfo_endpoint": "https://idp.example.test/userinfo",
}


@pytest.fixture
def entra(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": oidc_apps_from_env(ENTRA)}}
    with mock.patch.object(OpenIDConnectOAuth2Adapter, "openid_config", OPENID_CONFIG):
        yield


def sso_sign_in(client, userinfo: dict):
    """The round trip: our sign-in button, the provider's page (skipped), its callback with a code we exchange."""
    response = client.post(reverse("openid_connect_login", args=["entra"]))
    assert response.status_code == 302 and response.url.startswith(OPENID_CONFIG["authorization_endpoint"])
    state = parse_qs(urlparse(response.url).query)["state"][0]
    token = {"access_token": "token", "token_type": "Bearer", "expires_in": 3600}
    with (
        mock.patch.object(OAuth2Client, "get_access_token", return_value=token),
        mock.patch.object(OpenIDConnectOAuth2Adapter, "_fetch_user_info", return_value=userinfo),
    ):
        return client.get(reverse("openid_connect_callback", args=["entra"]), {"code": "code", "state": state})


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_configured_provider(client, entra):
    assert "Microsoft" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_an_existing_person_signs_in_by_their_verified_email(client, world, entra):
    response = sso_sign_in(client, {"sub": "entra-42", "email": world.learner.email.upper()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.learner.pk)
    assert SocialAccount.objects.get(uid="entra-42").user == world.learner
    world.learner.refresh_from_db()
    assert world.learner.has_usable_password()  # their password still works
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_an_unknown_email_is_refused_and_no_account_is_made(client, world, entra):
    users = User.objects.count()
    response = sso_sign_in(client, {"sub": "entra-99", "email": "stranger@example.test"})
    assert "_auth_user_id" not in client.session
    assert "closed" in response.content.decode().lower()
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_an_address_the_provider_does_not_vouch_for_is_refused(client, world, entra):
    world.learner.email = "lena@elsewhere.example"
    world.learner.save()
    sso_sign_in(client, {"sub": "entra-7", "email": "lena@elsewhere.example"})
    assert "_auth_user_id" not in client.session
