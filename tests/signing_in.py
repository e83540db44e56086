"""Sessions as allauth leaves them after a real sign-in, for tests that sign people in with `client.force_login`.

tests/conftest.py makes every `force_login` record, as allauth would, a password and a second factor confirmed just
now: the person counts as having used MFA (centres.auth.middleware) and as recently authenticated (allauth's
reauthentication, asked before signing a sheet or changing someone's role). Tests of those rules undo it with
`forget_authentication` or sign in through the real pages."""

import time

from allauth.account.internal.flows.login import record_authentication
from django.http import HttpRequest


def record_recent_authentication(client, user) -> None:
    session = client.session
    request = HttpRequest()
    request.session = session
    request.user = user
    record_authentication(request, user, method="password", reauthenticated=True)
    record_authentication(request, user, method="mfa", type="totp", reauthenticated=True)
    session.save()


def forget_authentication(client) -> None:
    """The session as a sign-in some time ago leaves it: password and second factor used, nothing confirmed since
    (allauth counts only a confirmation made within ACCOUNT_REAUTHENTICATION_TIMEOUT as recent)."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from django.conf import settings

    session = client.session
    long_ago = time.time() - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT - 60
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": long_ago},
        {"method": "mfa", "at": long_ago, "type": "totp"},
    ]
    session.save()


def set_up_totp(user) -> str:
    """Give the person an authenticator app (allauth's TOTP): returns its secret, to compute codes with."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, steps: int = 0) -> str:
    """The code the authenticator app shows now, or `steps` 30-second steps from now (allauth's own TOTP helpers)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter + steps))


def sign_in_through_the_pages(client, email: str, password: str, totp_secret: str | None = None):
    """Email and password on the sign-in page, then the authenticator code when allauth asks for one."""
    from django.urls import reverse

    response = client.post(reverse("login"), {"login": email, "password": password})
    if totp_secret is not None and response.status_code == 302 and response.url == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(totp_secret)})
    return response
