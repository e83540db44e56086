"""The centre admin's API tokens page: a token made there is shown once and works; revoked there, it stops."""

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from centres.models import Event
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def _admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admin_makes_a_token_sees_it_once_and_it_works(world):
    client = _admin_client(world.admin)
    response = client.post(
        reverse("api:tokens"),
        {"centre": world.centre.pk, "name": "College MIS", "scopes": ["registrations:read"], "days": 30},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret and secret in response.content.decode()
    assert secret not in client.get(reverse("api:tokens")).content.decode()
    assert Client().get("/api/v1/registrations", **bearer(secret)).status_code == 200


def test_admin_cannot_make_a_token_for_another_centre(world):
    client = _admin_client(world.admin)
    response = client.post(
        reverse("api:tokens"),
        {"centre": world.other_centre.pk, "name": "Sneaky", "scopes": ["registrations:read"], "days": 30},
    )
    assert response.context["secret"] is None
    assert not ApiToken.objects.exists()


def test_revoked_token_stops_working_and_the_history_says_who(world, make_token):
    secret = make_token(world.admin, world.centre)
    token = ApiToken.objects.get()
    response = _admin_client(world.admin).post(reverse("api:token-revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 302
    assert Client().get("/api/v1/registrations", **bearer(secret)).status_code == 401
    assert Event.objects.filter(action="api.token_revoked", object_id=token.pk, actor=world.admin).exists()


def test_another_centres_admin_cannot_revoke(world, make_token):
    make_token(world.admin, world.centre)
    token = ApiToken.objects.get()
    response = _admin_client(world.other_admin).post(reverse("api:token-revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_docs_page_loads_swagger_from_our_static_files(world):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert Client().get("/api/v1/openapi.json").json()["info"]["title"] == "E-portfolio API"
