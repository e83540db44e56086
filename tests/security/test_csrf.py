"""Every URL refuses a POST without a CSRF token, even from the person allowed to use it.

Built from the permission matrix: for each URL, the first person allowed there (to post, or else to read) sends
a POST without the token, as a forged cross-site form would. Nothing may change: the answer is 403, whatever the
view does with POSTs (a view that only reads is refused by the middleware first)."""

import pytest
from django.test import Client
from django.urls import reverse

from centres.models import Event

from .matrix import ACTORS, MATRIX, OK, actor_user, query_string


def _poster(route) -> str | None:
    for method in ("POST", "GET"):
        for actor in ACTORS:
            if OK <= route.expected(method, actor):
                return actor
    return "learner"  # signing out: everyone's answer is the sign-in page


# Deliberately without CSRF protection, each with its reason (and its own tests).
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: the mail client POSTs with no session and no token; the signed token in the
    # URL is the key, and all it can do is turn one person's emails off (tests/notifications/test_unsubscribe.py).
    "notifications:unsubscribe",
}
POSTABLE = sorted(set(MATRIX) - CSRF_EXEMPT)


@pytest.fixture
def scenario(module_scenario, db, settings):
    settings.JOBS_RUNNER = "worker"
    return module_scenario


@pytest.mark.parametrize("name", POSTABLE)
def test_post_without_csrf_token_is_refused(name, scenario):
    route = MATRIX[name]
    actor = _poster(route)
    client = Client(enforce_csrf_checks=True)
    user = actor_user(scenario, actor)
    if user is not None:
        client.force_login(user)
    events_before = Event.objects.count()
    url = reverse(name, kwargs=route.kwargs(scenario)) + query_string(route.query(scenario))
    response = client.post(url, route.data(scenario), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403, f"POST {url} as {actor} without a CSRF token: {response.status_code}"
    assert Event.objects.count() == events_before
