"""Signing a tracking sheet and changing someone's role ask for recent authentication (allauth's
reauthentication); the request then goes ahead."""

import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.urls import reverse

from centres.models import Membership, Role
from tests.factories import PASSWORD, make_staff
from tests.signing_in import forget_authentication
from tests.tracking.helpers import complete_unit, first_unit
from tracking.models import Signature

pytestmark = pytest.mark.django_db

REAUTHENTICATE = reverse("account_reauthenticate")


def sign_data(client, registration, unit) -> dict:
    page = client.get(reverse("tracking:sheet", args=[registration.pk, unit.pk]))
    return {"role": "learner", "content_hash": page.context["sheet"].state.content_hash, "declaration": "on"}


def test_signing_asks_for_the_password_again_then_signs(client, world):
    unit = first_unit(world.registration)
    complete_unit(world.registration, unit)
    client.force_login(world.learner)
    data = sign_data(client, world.registration, unit)
    forget_authentication(client)
    sign_url = reverse("tracking:sign", args=[world.registration.pk, unit.pk])
    response = client.post(sign_url, data)
    assert response.status_code == 302 and response.url.startswith(REAUTHENTICATE)
    assert not Signature.objects.exists()
    # A wrong password does not sign.
    assert client.post(response.url, {"password": "wrong"}).status_code == 200
    assert not Signature.objects.exists()
    response = client.post(response.url, {"password": PASSWORD}, follow=True)
    assert "You signed the tracking sheet of" in response.content.decode()
    assert Signature.objects.filter(user=world.learner).count() == 1


def test_an_old_authentication_is_not_recent_enough_to_sign(client, world, settings):
    unit = first_unit(world.registration)
    complete_unit(world.registration, unit)
    client.force_login(world.learner)
    data = sign_data(client, world.registration, unit)
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] = time.time() - settings.ACCOUNT_REAUTHENTICATION_TIMEOUT - 1
    session.save()
    response = client.post(reverse("tracking:sign", args=[world.registration.pk, unit.pk]), data)
    assert response.status_code == 302 and response.url.startswith(REAUTHENTICATE)
    assert not Signature.objects.exists()


def test_ending_a_role_asks_for_the_password_again(client, world):
    membership = Membership.objects.get(user=make_staff(world.centre, Role.ASSESSOR), centre=world.centre)
    client.force_login(world.admin)
    forget_authentication(client)
    url = reverse("centres:membership-end", args=[world.centre.pk, membership.pk])
    response = client.post(url, {"reason": "Left the centre"})
    assert response.status_code == 302 and response.url.startswith(REAUTHENTICATE)
    membership.refresh_from_db()
    assert membership.is_active
    client.post(response.url, {"password": PASSWORD})
    membership.refresh_from_db()
    assert not membership.is_active


def test_adding_a_role_asks_for_the_password_again_but_the_form_opens(client, world):
    client.force_login(world.admin)
    forget_authentication(client)
    url = reverse("centres:staff-add", args=[world.centre.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "new@example.test", "full_name": "New Person", "role": "iqa"})
    assert response.status_code == 302 and response.url.startswith(REAUTHENTICATE)
    assert not Membership.objects.filter(user__email="new@example.test").exists()
