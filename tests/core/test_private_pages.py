"""Pages for a signed-in person are never stored by a browser or a shared cache; public pages and static files
keep their own headers."""

import pytest
from django.test import Client
from django.urls import reverse

from centres.models import User

pytestmark = pytest.mark.django_db


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("page", ["home", "qualifications:list"])
def test_a_signed_in_persons_pages_are_private_and_not_stored(client, world, page):
    client.force_login(world.assessor)
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_the_django_admin_is_private_and_not_stored(client):
    superuser = User.objects.create_superuser(email="root@example.test", password="root-pass-2026", full_name="Root")
    client.force_login(superuser)
    response = client.get(reverse("admin:centres_membership_changelist"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_a_redirect_for_a_signed_in_person_is_not_stored_either(client, world):
    client.force_login(world.learner)
    response = client.get(reverse("admin:index"))  # a learner is sent on to the admin's sign-in page
    assert response.status_code == 302
    assert {"private", "no-store"} <= _cache_control(response)


def test_public_pages_for_someone_not_signed_in_keep_their_headers(client, world):
    response = client.get(reverse("qualifications:list"))
    assert response.status_code == 200
    assert "no-store" not in _cache_control(response)


def test_static_files_are_left_cacheable_for_a_signed_in_person(settings, world):
    settings.WHITENOISE_USE_FINDERS = True  # the test settings collect no static folder; WhiteNoise finds them
    client = Client()  # a new client loads the middleware with these settings
    client.force_login(world.assessor)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in _cache_control(response)
    response.close()
