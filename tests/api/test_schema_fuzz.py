"""Schemathesis against the API's own OpenAPI schema: every operation, called with generated input and a token
holding every scope, never answers with a server error, and every answer matches what the schema says."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import bearer


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, called in this thread (so inside the test's transaction): as Django's own test client
    does, the connection is not closed at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app, scenario, settings):
    settings.API_RATE_PER_MINUTE = 1_000_000
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)


@pytest.fixture
def secret(scenario, make_token):
    return make_token(scenario.admin, scenario.centre)


def _operations() -> list[tuple[str, str]]:
    from api.v1 import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return sorted((method, path) for path, item in schema["paths"].items() for method in item)


OPERATIONS = _operations()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_answers_as_its_schema_says(method, path, api_schema, secret):
    operation = api_schema[path][method.upper()]
    headers = {"Authorization": bearer(secret)["HTTP_AUTHORIZATION"]}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=10,
        deadline=None,
        derandomize=True,  # the same examples on every run: CI fails or passes on the code, never on the draw
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def call(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    call()
