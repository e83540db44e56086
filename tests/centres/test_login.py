"""Signing in and out (django-allauth): email and password, rate limits behind a proxy, session limits and
disabled accounts."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.middleware import SESSION_LAST_SEEN_KEY, SESSION_STARTED_KEY
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
REFUSED = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts"


def attempt(client, email, password, **headers):
    return client.post(LOGIN, {"login": email, "password": password}, **headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_in_with_email_and_password_goes_home(client, world):
    response = attempt(client, world.learner.email, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_the_sign_in_page_has_no_sign_up_and_offers_a_password_reset(client, db):
    page = client.get(LOGIN).content.decode()
    assert reverse("account_reset_password") in page
    assert "sign up" not in page.lower()
    assert client.get(reverse("account_signup")).status_code == 200  # allauth's "sign-up is closed" page
    assert "closed" in client.get(reverse("account_signup")).content.decode().lower()


def test_email_is_matched_whatever_its_case(client, world):
    assert attempt(client, world.learner.email.upper(), PASSWORD).status_code == 302


def test_wrong_password_is_refused(client, world):
    response = attempt(client, world.learner.email, "wrong")
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not signed_in(client)


def test_repeated_failures_refuse_even_the_right_password(client, world):
    for _ in range(5):
        attempt(client, world.learner.email, "wrong")
    response = attempt(client, world.learner.email, PASSWORD)
    assert TOO_MANY in response.content.decode()
    assert not signed_in(client)


def test_behind_one_proxy_the_attackers_address_is_limited_and_others_still_get_in(client, world, settings):
    """nginx on 127.0.0.1 forwards every request: the client is the last address it adds to X-Forwarded-For."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    # A forged first entry changes nothing: only the address nginx appended counts.
    for n in range(25):
        attempt(
            client,
            world.learner.email,
            f"guess-{n}",
            HTTP_X_FORWARDED_FOR=f"10.0.{n}.1, 203.0.113.66",
            REMOTE_ADDR="127.0.0.1",
        )
    response = attempt(client, world.learner.email, PASSWORD, **attacker)
    assert TOO_MANY in response.content.decode()
    assert not signed_in(client)
    # Another person, through the same proxy from another address, signs in; so does the learner from home.
    colleague = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert attempt(client, world.assessor.email, PASSWORD, **colleague).status_code == 302
    client.post(reverse("logout"))
    assert attempt(client, world.learner.email, PASSWORD, **colleague).status_code == 302


def test_one_address_guessing_many_accounts_is_stopped(client, world, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    sprayer = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.99"}
    for n in range(20):
        attempt(client, f"guess{n}@example.test", "wrong", **sprayer)
    assert TOO_MANY in attempt(client, world.learner.email, PASSWORD, **sprayer).content.decode()
    other = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    assert attempt(client, world.learner.email, PASSWORD, **other).status_code == 302


def test_trusted_proxy_count_is_read_from_the_environment(monkeypatch):
    import importlib

    import config.settings.base as base

    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    try:
        assert importlib.reload(base).ALLAUTH_TRUSTED_PROXY_COUNT == 1
        monkeypatch.delenv("TRUSTED_PROXY_COUNT")
        assert importlib.reload(base).ALLAUTH_TRUSTED_PROXY_COUNT == 0
    finally:
        importlib.reload(base)


def test_sign_in_rotates_the_session_key(client, world):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    attempt(client, world.learner.email, PASSWORD)
    assert signed_in(client)
    assert client.session.session_key != before


def test_disabled_account_is_signed_out_at_its_next_request(client, world):
    client.force_login(world.assessor)
    assert client.get(reverse("home")).status_code == 200
    world.assessor.is_active = False
    world.assessor.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_disabled_account_cannot_sign_in(client, world):
    world.assessor.is_active = False
    world.assessor.save()
    attempt(client, world.assessor.email, PASSWORD)
    assert not signed_in(client)


def test_session_ends_after_the_idle_limit(client, world, settings):
    attempt(client, world.learner.email, PASSWORD)
    session = client.session
    session[SESSION_LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    follow = client.get(response.url)
    assert "without activity" in follow.content.decode()


def test_session_ends_after_the_absolute_limit_even_when_active(client, world, settings):
    attempt(client, world.learner.email, PASSWORD)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_ABSOLUTE_HOURS * 3600 - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_activity_keeps_the_session_alive(client, world):
    attempt(client, world.learner.email, PASSWORD)
    for _ in range(3):
        assert client.get(reverse("home")).status_code == 200


def test_idle_limit_is_the_session_cookie_age(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60


def _session_writes(captured) -> int:
    from centres.models import UserSession

    table = UserSession._meta.db_table
    return sum(1 for query in captured if query["sql"].startswith("UPDATE") and table in query["sql"])


def test_requests_within_the_touch_interval_do_not_write_the_session(client, world):
    attempt(client, world.learner.email, PASSWORD)
    client.get(reverse("home"))
    last_seen = client.session[SESSION_LAST_SEEN_KEY]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert _session_writes(captured) == 0
    assert client.session[SESSION_LAST_SEEN_KEY] == last_seen


def test_a_request_after_the_touch_interval_moves_the_idle_clock_on(client, world, settings):
    attempt(client, world.learner.email, PASSWORD)
    session = client.session
    session[SESSION_LAST_SEEN_KEY] = time.time() - settings.SESSION_TOUCH_SECONDS - 1
    session.save()
    before = time.time()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert _session_writes(captured) == 1
    assert client.session[SESSION_LAST_SEEN_KEY] >= before


def test_sign_out_needs_a_post(client, world):
    client.force_login(world.admin)
    assert client.get(reverse("logout")).status_code == 200  # a page asking to confirm, still signed in
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_anonymous_home_redirects_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
