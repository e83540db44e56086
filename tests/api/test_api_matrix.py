"""Every operation of the API's schema, called four ways: without a token (401), with another centre's token (404
for an id of ours; the list shows none of ours and a registration with our staff is refused),
with a token of the right centre missing the operation's scope (403), and with the right token (2xx).

The main permission matrix (tests/security/matrix.py) leaves the API's URLconf to this test;
`test_every_operation_is_covered` makes sure no operation of the schema is missing here."""

import json

import pytest
from django.test import Client

from api.models import Scope
from api.v1 import api
from tests.api.conftest import bearer

# (method, path) -> (the scope it needs, its path parameters, its body).
OPERATIONS = {
    ("get", "/api/v1/registrations"): (Scope.REGISTRATIONS_READ, lambda s: {}, None),
    ("post", "/api/v1/registrations"): (
        Scope.REGISTRATIONS_WRITE,
        lambda s: {},
        lambda s: {
            "email": "new.learner@example.test",
            "full_name": "Nia New",
            "date_of_birth": "2000-01-01",
            "qualification": s.registration.qualification.number,
            "pathway": s.registration.pathway.code if s.registration.pathway else None,
            "optional_units": [u.unit.reference for u in s.registration.plan.filter(chosen=True)],
            "assessor": s.assessor.email,
            "iqa": s.iqa.email,
            "start_date": str(s.registration.start_date),
            "planned_end_date": str(s.registration.planned_end_date),
            "acknowledge_warnings": True,
        },
    ),
    ("get", "/api/v1/registrations/{registration_id}"): (Scope.REGISTRATIONS_READ, lambda s: _reg(s), None),
    ("patch", "/api/v1/registrations/{registration_id}"): (
        Scope.REGISTRATIONS_WRITE,
        lambda s: _reg(s),
        lambda s: {
            "planned_end_date": str(
                s.registration.planned_end_date.replace(year=s.registration.planned_end_date.year + 1)
            )
        },
    ),
    ("get", "/api/v1/registrations/{registration_id}/progress"): (Scope.PROGRESS_READ, lambda s: _reg(s), None),
    ("get", "/api/v1/registrations/{registration_id}/evidence"): (Scope.EVIDENCE_READ, lambda s: _reg(s), None),
    ("get", "/api/v1/evidence-files/{file_id}/content"): (
        Scope.EVIDENCE_FILES_READ,
        lambda s: {"file_id": s.evidence_file.pk},
        None,
    ),
    ("get", "/api/v1/registrations/{registration_id}/signatures"): (Scope.SIGNATURES_READ, lambda s: _reg(s), None),
    ("get", "/api/v1/registrations/{registration_id}/otj"): (Scope.APPRENTICESHIPS_READ, lambda s: _reg(s), None),
    ("get", "/api/v1/registrations/{registration_id}/reviews"): (Scope.APPRENTICESHIPS_READ, lambda s: _reg(s), None),
}


def _reg(s):
    return {"registration_id": s.registration.pk}


def schema_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return {(method, path) for path, item in schema["paths"].items() for method in item}


def test_every_operation_is_covered():
    assert schema_operations() == set(OPERATIONS)


def _call(client, method, path, params, body, **headers):
    url = path.format(**params)
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **headers)


CASES = sorted(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), CASES, ids=[f"{m} {p}" for m, p in CASES])
def test_operation_refuses_and_allows(method, path, scenario, make_token):
    scope, params_of, body_of = OPERATIONS[(method, path)]
    params, body = params_of(scenario), body_of(scenario) if body_of else None
    client = Client()

    assert _call(client, method, path, params, body).status_code == 401

    other = make_token(scenario.other_admin, scenario.other_centre)
    response = _call(client, method, path, params, body, **bearer(other))
    if params:
        assert response.status_code == 404
    elif method == "get":
        assert response.status_code == 200
        assert scenario.registration.pk not in {item["id"] for item in response.json()["items"]}
    else:  # registering a learner with our staff at the other centre
        assert response.status_code == 422, response.content

    others = [value for value in Scope.values if value != scope]
    wrong_scope = make_token(scenario.admin, scenario.centre, scopes=others)
    assert _call(client, method, path, params, body, **bearer(wrong_scope)).status_code == 403

    right = make_token(scenario.admin, scenario.centre, scopes=[scope])
    response = _call(client, method, path, params, body, **bearer(right))
    assert 200 <= response.status_code < 300, response.content[:500]
