"""The REST API as an integration meets it: tokens refused when expired, revoked or wrong; the rate limit and the
body limit; writes through the services, in the history under the token's name, and all or nothing; list
endpoints in a fixed number of queries."""

import datetime as dt
import hashlib
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiToken, Scope
from centres.models import Event
from portfolio.models import Evidence, Registration
from tests.api.conftest import bearer
from tests.factories import make_registration

pytestmark = pytest.mark.django_db


def _get(secret, url, **params):
    return Client().get(url, params, **bearer(secret))


def _patch(secret, url, body):
    return Client().patch(url, data=json.dumps(body), content_type="application/json", **bearer(secret))


def test_token_is_stored_only_as_its_hash(world, make_token):
    secret = make_token(world.admin, world.centre)
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps([token.name, token.prefix, token.scopes])
    assert Event.objects.filter(action="api.token_created", object_id=token.pk, actor=world.admin).exists()


@pytest.mark.parametrize("state", ["expired", "revoked", "wrong"])
def test_expired_revoked_or_wrong_token_is_refused_with_401(world, make_token, state):
    secret = make_token(world.admin, world.centre)
    token = ApiToken.objects.get()
    if state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif state == "revoked":
        from api.tokens import revoke_token

        revoke_token(actor=world.admin, token=token)
    else:
        secret += "x"
    assert _get(secret, f"/api/v1/registrations/{world.registration.pk}").status_code == 401


def test_another_centres_registration_is_404_and_the_list_shows_none_of_it(world, make_token):
    secret = make_token(world.admin, world.centre)
    assert _get(secret, f"/api/v1/registrations/{world.other_centre_registration.pk}").status_code == 404
    ids = {item["id"] for item in _get(secret, "/api/v1/registrations", limit=200).json()["items"]}
    assert world.registration.pk in ids and world.other_centre_registration.pk not in ids


def test_a_token_without_the_scope_is_refused_with_403(world, make_token):
    secret = make_token(world.admin, world.centre, scopes=[Scope.PROGRESS_READ])
    response = _get(secret, f"/api/v1/registrations/{world.registration.pk}")
    assert response.status_code == 403
    assert "registrations:read" in response.json()["detail"]


def test_too_many_requests_get_429_with_retry_after(world, make_token, settings):
    settings.API_RATE_PER_MINUTE = 3
    secret = make_token(world.admin, world.centre)
    statuses = [_get(secret, "/api/v1/registrations").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = _get(secret, "/api/v1/registrations")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_last_use_is_recorded(world, make_token):
    secret = make_token(world.admin, world.centre)
    _get(secret, "/api/v1/registrations")
    assert ApiToken.objects.get().last_used_at is not None


def test_body_too_large_is_413_and_nothing_changes(world, make_token, settings):
    settings.API_MAX_BODY_BYTES = 100
    secret = make_token(world.admin, world.centre)
    before = world.registration.planned_end_date
    response = _patch(
        secret,
        f"/api/v1/registrations/{world.registration.pk}",
        {"planned_end_date": str(before + dt.timedelta(days=30)), "reason": "x" * 200},
    )
    assert response.status_code == 413
    world.registration.refresh_from_db()
    assert world.registration.planned_end_date == before


def test_body_of_the_wrong_shape_is_422_and_nothing_changes(world, make_token):
    secret = make_token(world.admin, world.centre)
    before = world.registration.planned_end_date
    response = _patch(secret, f"/api/v1/registrations/{world.registration.pk}", {"planned_end_date": "next year"})
    assert response.status_code == 422
    response = Client().post("/api/v1/registrations", data="[1, 2", content_type="application/json", **bearer(secret))
    assert response.status_code in (400, 422)
    world.registration.refresh_from_db()
    assert world.registration.planned_end_date == before
    assert not Event.objects.filter(action="api.write").exists()


def test_nul_characters_and_out_of_range_paging_are_422(world, make_token):
    secret = make_token(world.admin, world.centre)
    assert _get(secret, "/api/v1/registrations", learner="a\x00b").status_code == 422
    assert _get(secret, "/api/v1/registrations", offset=10**20).status_code == 422
    assert _get(secret, "/api/v1/registrations", limit=0).status_code == 422


def test_dates_and_assessor_change_together_and_the_history_names_the_token(world, make_token):
    secret = make_token(world.admin, world.centre, name="College MIS")
    new_end = world.registration.planned_end_date + dt.timedelta(days=90)
    response = _patch(
        secret,
        f"/api/v1/registrations/{world.registration.pk}",
        {"planned_end_date": str(new_end), "assessor": world.other_assessor.email, "reason": "Replanned"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["planned_end_date"] == str(new_end)
    assert response.json()["assessor"]["email"] == world.other_assessor.email
    actions = set(Event.objects.filter(registration_id=world.registration.pk).values_list("action", flat=True))
    assert {"registration.dates_changed", "registration.assessor_changed", "api.write"} <= actions
    entry = Event.objects.get(action="api.write")
    assert entry.actor_label == "API token College MIS" and entry.actor == world.admin


def test_a_refused_assessor_leaves_the_dates_unchanged(world, make_token):
    secret = make_token(world.admin, world.centre)
    before = world.registration.planned_end_date
    response = _patch(
        secret,
        f"/api/v1/registrations/{world.registration.pk}",
        {"planned_end_date": str(before + dt.timedelta(days=30)), "assessor": world.other_centre_assessor.email},
    )
    assert response.status_code == 422
    assert "assessor" in response.json()["errors"]
    world.registration.refresh_from_db()
    assert world.registration.planned_end_date == before
    assert not Event.objects.filter(action__in=["registration.dates_changed", "api.write"]).exists()


def test_a_token_whose_maker_is_no_longer_admin_cannot_write(world, make_token):
    secret = make_token(world.admin, world.centre)
    world.admin.memberships.update(is_active=False)
    response = _patch(
        secret,
        f"/api/v1/registrations/{world.registration.pk}",
        {"planned_end_date": str(world.registration.planned_end_date + dt.timedelta(days=30))},
    )
    assert response.status_code == 403


def test_register_a_learner_through_the_api(world, make_token):
    secret = make_token(world.admin, world.centre)
    template = world.registration
    body = {
        "email": "api.learner@example.test",
        "full_name": "Ada Api",
        "date_of_birth": "2001-02-03",
        "qualification": template.qualification.number,
        "pathway": template.pathway.code if template.pathway else None,
        "optional_units": [entry.unit.reference for entry in template.plan.filter(chosen=True)],
        "assessor": world.assessor.email,
        "iqa": world.iqa.email,
        "start_date": str(template.start_date),
        "planned_end_date": str(template.planned_end_date),
        "acknowledge_warnings": True,
    }
    response = Client().post(
        "/api/v1/registrations", data=json.dumps(body), content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 201, response.content
    registration = Registration.objects.get(pk=response.json()["id"])
    assert registration.centre == world.centre and registration.learner.email == "api.learner@example.test"
    assert Event.objects.filter(registration_id=registration.pk, action="registration.created").exists()
    assert Event.objects.get(registration_id=registration.pk, action="api.write").data["token"] == "College MIS"


def test_filters_narrow_the_list(world, make_token):
    secret = make_token(world.admin, world.centre)
    items = _get(secret, "/api/v1/registrations", learner=world.learner.email).json()["items"]
    assert [item["id"] for item in items] == [world.registration.pk]
    items = _get(secret, "/api/v1/registrations", qualification="none/such").json()["items"]
    assert items == []


def _queries(secret, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = _get(secret, url)
    assert response.status_code == 200
    return len(queries)


def test_registration_list_takes_the_same_queries_at_two_sizes(world, make_token):
    secret = make_token(world.admin, world.centre)
    _get(secret, "/api/v1/registrations")  # the first request records the token's last use
    small = _queries(secret, "/api/v1/registrations")
    for _ in range(6):
        make_registration(world.centre, assessor=world.assessor, iqa=world.iqa)
    assert _queries(secret, "/api/v1/registrations") == small


def test_evidence_list_takes_the_same_queries_at_two_sizes(world, make_token):
    secret = make_token(world.admin, world.centre)
    url = f"/api/v1/registrations/{world.registration.pk}/evidence"
    _get(secret, url)

    def add(reference):
        Evidence.objects.create(
            registration=world.registration,
            reference=reference,
            title=f"E{reference}",
            date=dt.date.today(),
            author=world.learner,
        )

    add(1)
    small = _queries(secret, url)
    for reference in range(2, 8):
        add(reference)
    assert _queries(secret, url) == small
