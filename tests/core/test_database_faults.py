"""A database that cannot be reached is answered with a 503 page asking to retry (never a 400 or a 500), and a
kept connection killed between requests is replaced by the health check."""

import time
from unittest import mock

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import DatabaseError, OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from centres.middleware import SESSION_LAST_SEEN_KEY
from centres.models import UserSession
from tests.factories import make_user

pytestmark = pytest.mark.django_db

GONE = "server closed the connection unexpectedly"


def _signed_in_client(user) -> Client:
    # raise_request_exception=False: the test sees the response a person would, not the exception behind it.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _assert_retry_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Please try again in a minute" in page
    assert "could not reach its database" in page


def _session_due_for_saving(client) -> None:
    """The idle clock is written at most once a minute (centres.middleware): make this request write it."""
    session = client.session
    session[SESSION_LAST_SEEN_KEY] = time.time() - 120
    session.save()


def test_a_database_fault_while_saving_the_session_is_a_503_not_a_400(world):
    client = _signed_in_client(world.learner)
    _session_due_for_saving(client)
    with mock.patch.object(UserSession, "save", side_effect=OperationalError(GONE)):
        response = client.get(reverse("home"))
    _assert_retry_page(response)


def test_a_session_deleted_during_the_request_is_still_a_400(world):
    """Django's own answer when someone signed out in another tab meanwhile: no database fault, so no 503."""
    client = _signed_in_client(world.learner)
    _session_due_for_saving(client)
    with mock.patch.object(UserSession, "save", side_effect=DatabaseError("Forced update did not affect any rows.")):
        response = client.get(reverse("home"))
    assert response.status_code == 400


def test_a_query_failing_in_a_view_is_a_503(world):
    """Sessions and users load fine; the page's own query (the learner's registrations) finds the database gone."""
    client = _signed_in_client(world.learner)
    client.get(reverse("home"))  # the session's clock is started

    def refuse_registrations(execute, sql, params, many, context):
        if "portfolio_registration" in sql:
            raise OperationalError(GONE)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_registrations):
        response = client.get(reverse("home"))
    _assert_retry_page(response)


def test_a_database_down_before_the_view_is_a_503_rendered_without_the_database(world):
    """Every query fails, the session's own load in the middleware first: the 503 page itself reads nothing."""
    client = _signed_in_client(world.learner)
    queries = []

    def refuse_everything(execute, sql, params, many, context):
        queries.append(sql)
        raise OperationalError(GONE)

    with connection.execute_wrapper(refuse_everything):
        response = client.get(reverse("home"))
    _assert_retry_page(response)
    assert queries, "the request did try the database"


def test_other_server_errors_are_not_turned_into_503(world):
    client = _signed_in_client(world.learner)
    with mock.patch("dashboard.views.render", side_effect=RuntimeError("a bug")):
        response = client.get(reverse("home"))
    assert response.status_code == 500


# --- Connections kept open between requests (production's DB_CONN_MAX_AGE) -----------------------------------


def _serve(handler: WSGIHandler, cookie: str) -> int:
    """One request through the real WSGI handler: request_started and request_finished fire as under gunicorn,
    which close or check kept connections (the test client keeps them from doing so)."""
    environ = RequestFactory().get(reverse("home"), HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={cookie}").environ
    response = handler(environ, lambda status, headers: None)
    response.close()
    return response.status_code


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("health_checks", "second_status"), [(True, 200), (False, 503)])
def test_a_connection_killed_between_requests_is_replaced_by_the_health_check(health_checks, second_status):
    if connection.vendor != "postgresql":
        pytest.skip("terminating a backend is PostgreSQL's; SQLite has no server connection to lose")
    user = make_user()
    signed_in = Client()
    signed_in.force_login(user)
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    kept = {"CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": health_checks}
    saved = {name: connection.settings_dict[name] for name in kept}
    connection.close()
    connection.settings_dict.update(kept)
    try:
        handler = WSGIHandler()
        assert _serve(handler, cookie) == 200
        assert connection.connection is not None, "the connection is kept between requests"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        other = connection.get_new_connection(connection.get_connection_params())
        try:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()
        assert _serve(handler, cookie) == second_status
    finally:
        connection.close()
        connection.settings_dict.update(saved)
