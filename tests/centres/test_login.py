"""Signing in and out: the slow-down after repeated failures, session limits and disabled accounts."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from centres.middleware import SESSION_LAST_SEEN_KEY, SESSION_STARTED_KEY
from centres.models import LoginFailure
from centres.services import login_wait_seconds
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def attempt(client, email, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_with_email_and_password_goes_home(client, world):
    response = attempt(client, world.admin.email, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_email_is_matched_whatever_its_case(client, world):
    response = attempt(client, world.admin.email.upper(), PASSWORD)
    assert response.status_code == 302


def test_wrong_password_is_refused_and_counted(client, world):
    response = attempt(client, world.admin.email, "wrong")
    assert response.status_code == 200
    assert "Enter a correct email and password" in response.content.decode()
    assert LoginFailure.objects.filter(email=world.admin.email).count() == 1


def test_repeated_failures_refuse_even_the_right_password_with_a_wait(client, world, settings):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 3
    for _ in range(3):
        attempt(client, world.admin.email, "wrong")
    response = attempt(client, world.admin.email, PASSWORD)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Too many failed sign-in attempts" in content
    assert "seconds" in content
    assert "_auth_user_id" not in client.session
    # The refusal itself is not counted as another failure.
    assert LoginFailure.objects.filter(email=world.admin.email).count() == 3


def test_the_wait_doubles_with_each_further_failure(world, settings):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 2
    for _ in range(2):
        LoginFailure.objects.create(email="x@example.test")
    first = login_wait_seconds(email="x@example.test", ip_address=None)
    LoginFailure.objects.create(email="x@example.test")
    second = login_wait_seconds(email="x@example.test", ip_address=None)
    assert 0 < first <= 30
    assert 30 < second <= 60


def test_after_the_wait_the_right_password_works_and_clears_failures(client, world, settings):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 3
    for _ in range(3):
        attempt(client, world.admin.email, "wrong")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=5))
    response = attempt(client, world.admin.email, PASSWORD)
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(email=world.admin.email).exists()


def test_failures_older_than_the_window_do_not_count(client, world, settings):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 3
    for _ in range(3):
        attempt(client, world.admin.email, "wrong")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES + 1))
    assert login_wait_seconds(email=world.admin.email, ip_address=None) == 0


def test_one_address_guessing_many_emails_is_slowed_down(client, world, settings):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 2  # the address may fail 4 times as often as one email
    for n in range(8):
        attempt(client, f"guess{n}@example.test", "wrong", ip="10.9.9.9")
    response = attempt(client, world.admin.email, PASSWORD, ip="10.9.9.9")
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Another address is not affected.
    assert attempt(client, world.admin.email, PASSWORD, ip="10.0.0.2").status_code == 302


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
    response = attempt(client, world.assessor.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_session_ends_after_the_idle_limit(client, world, settings):
    attempt(client, world.admin.email, PASSWORD)
    session = client.session
    session[SESSION_LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    follow = client.get(response.url)
    assert "without activity" in follow.content.decode()


def test_session_ends_after_the_absolute_limit_even_when_active(client, world, settings):
    attempt(client, world.admin.email, PASSWORD)
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_ABSOLUTE_HOURS * 3600 - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_activity_keeps_the_session_alive(client, world):
    attempt(client, world.admin.email, PASSWORD)
    for _ in range(3):
        assert client.get(reverse("home")).status_code == 200


def test_idle_limit_is_the_session_cookie_age(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60


def _session_writes(captured) -> int:
    from centres.models import UserSession

    table = UserSession._meta.db_table
    return sum(1 for query in captured if query["sql"].startswith("UPDATE") and table in query["sql"])


def test_requests_within_the_touch_interval_do_not_write_the_session(client, world):
    attempt(client, world.admin.email, PASSWORD)
    client.get(reverse("home"))
    last_seen = client.session[SESSION_LAST_SEEN_KEY]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert _session_writes(captured) == 0
    assert client.session[SESSION_LAST_SEEN_KEY] == last_seen


def test_a_request_after_the_touch_interval_moves_the_idle_clock_on(client, world, settings):
    attempt(client, world.admin.email, PASSWORD)
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
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_anonymous_home_redirects_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
