"""Multi-factor authentication (allauth.mfa): who must use it, signing in with it, and what happens until it is set
up."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth import get_user_model
from django.urls import reverse

from centres.auth.policy import mfa_required
from centres.models import Event
from tests.factories import PASSWORD, make_user
from tests.signing_in import set_up_totp, sign_in_through_the_pages, totp_code

pytestmark = pytest.mark.django_db

MFA_INDEX = reverse("mfa_index")
AUTHENTICATE = reverse("mfa_authenticate")


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_who_must_use_mfa(world):
    superuser = get_user_model().objects.create_superuser("root@example.test", PASSWORD, full_name="Root")
    for person in (world.admin, world.iqa, world.eqa, superuser):
        assert mfa_required(person), person
    for person in (world.assessor, world.trainee, world.learner):
        assert not mfa_required(person), person


def test_a_centre_can_require_it_of_its_assessors_only(world):
    world.centre.require_mfa_for_assessors = True
    world.centre.save()
    assert mfa_required(world.assessor) and mfa_required(world.trainee)
    assert not mfa_required(world.other_centre_assessor)
    assert not mfa_required(world.learner)


def test_an_iqa_without_mfa_is_sent_to_set_it_up_and_reaches_nothing_else(client, world):
    response = sign_in_through_the_pages(client, world.iqa.email, PASSWORD)
    assert response.status_code == 302 and signed_in_as(client, world.iqa)
    for url in (reverse("home"), reverse("quality:plan-list"), reverse("centres:my-cpd", args=[world.centre.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url == MFA_INDEX, url
    page = client.get(MFA_INDEX, follow=True)
    assert page.status_code == 200
    assert "two-factor authentication" in page.content.decode().lower()
    # Setting up an authenticator app (allauth asks for the password again first), then the pages open.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
    client.post(response.url, {"password": PASSWORD})
    form = client.get(reverse("mfa_activate_totp")).context["form"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(form.secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=world.iqa, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200


def test_sign_out_stays_open_without_mfa(client, world):
    sign_in_through_the_pages(client, world.admin.email, PASSWORD)
    assert client.get(reverse("home")).url == MFA_INDEX
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_a_learner_is_not_made_to_but_may_turn_it_on(client, world):
    sign_in_through_the_pages(client, world.learner.email, PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(MFA_INDEX).status_code == 200


def test_totp_sign_in_asks_for_the_code_and_rotates_the_session_at_each_step(client, world):
    secret = set_up_totp(world.iqa)
    client.get(reverse("login"))
    client.session.save()
    anonymous_key = client.session.session_key
    response = client.post(reverse("login"), {"login": world.iqa.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == AUTHENTICATE
    assert not signed_in_as(client, world.iqa)  # the password alone does not sign in
    after_password = client.session.session_key
    assert client.post(AUTHENTICATE, {"code": "000000"}).status_code == 200
    assert not signed_in_as(client, world.iqa)
    response = client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert response.status_code == 302 and signed_in_as(client, world.iqa)
    assert client.session.session_key not in (anonymous_key, after_password)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(("steps", "accepted"), [(-1, True), (1, True), (-2, False), (2, False)])
def test_a_code_from_the_step_either_side_is_accepted_for_clock_drift_but_no_further(client, world, steps, accepted):
    secret = set_up_totp(world.iqa)
    client.post(reverse("login"), {"login": world.iqa.email, "password": PASSWORD})
    client.post(AUTHENTICATE, {"code": totp_code(secret, steps)})
    assert signed_in_as(client, world.iqa) is accepted


def test_a_code_signs_in_once_even_within_its_step(client, world):
    secret = set_up_totp(world.iqa)
    code = totp_code(secret)
    client.post(reverse("login"), {"login": world.iqa.email, "password": PASSWORD})
    client.post(AUTHENTICATE, {"code": code})
    assert signed_in_as(client, world.iqa)
    client.post(reverse("logout"))
    client.post(reverse("login"), {"login": world.iqa.email, "password": PASSWORD})
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 200
    assert not signed_in_as(client, world.iqa)


def test_a_recovery_code_signs_in_once(client, world):
    set_up_totp(world.admin)
    code = RecoveryCodes.activate(world.admin).get_unused_codes()[0]
    client.post(reverse("login"), {"login": world.admin.email, "password": PASSWORD})
    response = client.post(AUTHENTICATE, {"code": code})
    assert response.status_code == 302 and signed_in_as(client, world.admin)
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    client.post(reverse("login"), {"login": world.admin.email, "password": PASSWORD})
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 200
    assert not signed_in_as(client, world.admin)


def test_someone_who_must_use_mfa_cannot_remove_their_only_authenticator(client, world):
    secret = set_up_totp(world.iqa)
    sign_in_through_the_pages(client, world.iqa.email, PASSWORD, totp_secret=secret)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=world.iqa, type=Authenticator.Type.TOTP).exists()


def test_centre_admin_requires_mfa_for_assessors_on_the_settings_page(client, world):
    client.force_login(world.admin)
    url = reverse("centres:centre-settings", args=[world.centre.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"require_mfa_for_assessors": "on"})
    assert response.status_code == 302
    world.centre.refresh_from_db()
    assert world.centre.require_mfa_for_assessors
    event = Event.objects.get(action="centre.assessor_mfa_required")
    assert event.actor == world.admin and event.centre == world.centre
    # The centre's assessors now go to set it up; another centre's do not.
    client.post(reverse("logout"))
    sign_in_through_the_pages(client, world.assessor.email, PASSWORD)
    assert client.get(reverse("home")).url == MFA_INDEX
    client.post(reverse("logout"))
    sign_in_through_the_pages(client, world.other_centre_assessor.email, PASSWORD)
    assert client.get(reverse("home")).status_code == 200


def test_only_the_centre_admin_changes_the_centre_settings(client, world):
    url = reverse("centres:centre-settings", args=[world.centre.pk])
    client.force_login(world.assessor)
    assert client.post(url, {"require_mfa_for_assessors": "on"}).status_code == 403
    client.force_login(world.other_admin)
    assert client.post(url, {"require_mfa_for_assessors": "on"}).status_code == 404
    world.centre.refresh_from_db()
    assert not world.centre.require_mfa_for_assessors


def test_a_new_person_is_not_asked_while_only_a_learner(client, db):
    person = make_user(full_name="Pat New")
    sign_in_through_the_pages(client, person.email, PASSWORD)
    assert client.get(reverse("home")).status_code == 200
