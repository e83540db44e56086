"""Setting the password from an invitation signs the person in; staff whose role needs MFA go on to set it up."""

import pytest
from django.urls import reverse

from centres.models import Invitation, Membership, Role, User
from centres.services import invite_user
from tests.centres.helpers import invitation_link, last_mail_to

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "correct-horse-battery-42"


def accept(client, world, user, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite_user(actor=world.admin, user=user, centre=world.centre, kind=kind)
    link = invitation_link(last_mail_to(user.email))
    return client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_a_learner_is_signed_in_and_home(client, world, django_capture_on_commit_callbacks):
    learner = User.objects.create_user(email="new.learner@example.test", full_name="Nat Learner")
    response = accept(client, world, learner, Invitation.Kind.LEARNER, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(learner.pk)
    assert client.get(reverse("home")).status_code == 200


def test_a_new_iqa_is_signed_in_then_sent_to_set_up_mfa(client, world, django_capture_on_commit_callbacks):
    iqa = User.objects.create_user(email="new.iqa@example.test", full_name="Ira New")
    Membership.objects.create(user=iqa, centre=world.centre, role=Role.IQA)
    accept(client, world, iqa, Invitation.Kind.STAFF, django_capture_on_commit_callbacks)
    assert client.session["_auth_user_id"] == str(iqa.pk)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("mfa_index")
