"""Single sign-on providers (OpenID Connect, through allauth) read from the environment, failing fast on bad values.

Named variables cover the two providers centres use most:

- Microsoft Entra ID: `SSO_ENTRA_TENANT_ID`, `SSO_ENTRA_CLIENT_ID`, `SSO_ENTRA_CLIENT_SECRET`, and
  `SSO_ENTRA_EMAIL_DOMAINS` (comma-separated: the organisation's own domains, whose addresses Entra ID vouches for;
  Entra ID sends no `email_verified` claim, so without them nobody is matched).
- Google Workspace: `SSO_GOOGLE_CLIENT_ID`, `SSO_GOOGLE_CLIENT_SECRET` (Google marks its addresses verified);
  `SSO_GOOGLE_HOSTED_DOMAIN` limits the sign-in page to one Workspace domain.

Any other provider, or several of one kind, go in `SSO_OIDC_PROVIDERS`: a JSON list of objects with `id`, `name`,
`server_url`, `client_id`, `secret` and optionally `email_domains`.
"""

import json
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_REQUIRED = ("id", "name", "server_url", "client_id", "secret")


def _domains(value) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    return [domain.strip().lower() for domain in value or [] if domain.strip()]


def _app(*, id: str, name: str, server_url: str, client_id: str, secret: str, email_domains=None, **extra) -> dict:
    settings: dict = {"server_url": server_url, "oauth_pkce_enabled": True, "email_authentication": True}
    domains = _domains(email_domains)
    if domains:
        # Addresses at these domains count as verified by this provider (allauth's "verified_email").
        settings["verified_email"] = domains
    if extra.get("auth_params"):
        settings["auth_params"] = extra["auth_params"]
    return {"provider_id": id, "name": name, "client_id": client_id, "secret": secret, "settings": settings}


def oidc_apps_from_env(environ: Mapping[str, str]) -> list[dict]:
    """allauth's `SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]` for the providers the environment names."""
    apps = []
    if environ.get("SSO_ENTRA_CLIENT_ID"):
        tenant = environ.get("SSO_ENTRA_TENANT_ID", "")
        if not tenant or not environ.get("SSO_ENTRA_CLIENT_SECRET"):
            raise ImproperlyConfigured(
                "Microsoft Entra ID sign-in needs SSO_ENTRA_TENANT_ID and SSO_ENTRA_CLIENT_SECRET."
            )
        apps.append(
            _app(
                id="entra",
                name="Microsoft",
                server_url=f"https://login.microsoftonline.com/{tenant}/v2.0",
                client_id=environ["SSO_ENTRA_CLIENT_ID"],
                secret=environ["SSO_ENTRA_CLIENT_SECRET"],
                email_domains=environ.get("SSO_ENTRA_EMAIL_DOMAINS", ""),
            )
        )
    if environ.get("SSO_GOOGLE_CLIENT_ID"):
        if not environ.get("SSO_GOOGLE_CLIENT_SECRET"):
            raise ImproperlyConfigured("Google Workspace sign-in needs SSO_GOOGLE_CLIENT_SECRET.")
        hosted_domain = environ.get("SSO_GOOGLE_HOSTED_DOMAIN", "")
        apps.append(
            _app(
                id="google",
                name="Google",
                server_url="https://accounts.google.com",
                client_id=environ["SSO_GOOGLE_CLIENT_ID"],
                secret=environ["SSO_GOOGLE_CLIENT_SECRET"],
                auth_params={"hd": hosted_domain} if hosted_domain else None,
            )
        )
    raw = environ.get("SSO_OIDC_PROVIDERS", "").strip()
    if raw:
        try:
            listed = json.loads(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(f"SSO_OIDC_PROVIDERS must be a JSON list: {exc}") from exc
        if not isinstance(listed, list) or not all(isinstance(item, dict) for item in listed):
            raise ImproperlyConfigured("SSO_OIDC_PROVIDERS must be a JSON list of objects.")
        for item in listed:
            missing = [key for key in _REQUIRED if not item.get(key)]
            if missing:
                raise ImproperlyConfigured(f"SSO_OIDC_PROVIDERS: an entry lacks {', '.join(missing)}.")
            apps.append(_app(**item))
    ids = [app["provider_id"] for app in apps]
    if len(ids) != len(set(ids)):
        raise ImproperlyConfigured(f"SSO providers need distinct ids, not {ids}.")
    return apps
