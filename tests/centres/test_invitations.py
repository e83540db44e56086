"""Invitations: one-time, expiring links to set a password, sent by email once the change is saved."""

import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from centres.models import Event, Invitation
from centres.services import InvitationError, accept_invitation, invite_user
from tests.centres.helpers import invitation_link, last_mail_to

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "correct-horse-battery-42"


@pytest.fixture
def newcomer(world):
    return _unusable(world)


def _unusable(world):
    from centres.models import User

    return User.objects.create_user(email="newcomer@example.test", full_name="Nia Newcomer")


def send(world, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return invite_user(actor=world.admin, user=user, centre=world.centre, kind=Invitation.Kind.LEARNER)


def test_invitation_email_has_a_link_and_only_a_hash_is_stored(world, newcomer, django_capture_on_commit_callbacks):
    invitation = send(world, newcomer, django_capture_on_commit_callbacks)
    message = last_mail_to(newcomer.email)
    assert "Northgate Training" in message.subject
    link = invitation_link(message)
    token = link.rstrip("/").split("/")[-1]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().first())
    assert Event.objects.filter(action="invitation.sent", object_id=invitation.pk).exists()


def test_no_email_leaves_while_the_transaction_is_open(world, newcomer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite_user(actor=world.admin, user=newcomer, centre=world.centre, kind=Invitation.Kind.LEARNER)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_the_link_sets_a_password_once_and_signs_the_person_in(
    client, world, newcomer, django_capture_on_commit_callbacks
):
    send(world, newcomer, django_capture_on_commit_callbacks)
    link = invitation_link(last_mail_to(newcomer.email))
    page = client.get(link)
    assert page.status_code == 200
    assert "Set my password" in page.content.decode()
    client.get(reverse("login"))
    anonymous_key = client.session.session_key
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # Signed in at once, in a new session, and sent home.
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(newcomer.pk)
    assert client.session.session_key != anonymous_key
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.post(reverse("login"), {"login": newcomer.email, "password": NEW_PASSWORD}).status_code == 302
    # One-time: the same link no longer works.
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_weak_password_is_refused_with_the_reason(client, world, newcomer, django_capture_on_commit_callbacks):
    send(world, newcomer, django_capture_on_commit_callbacks)
    link = invitation_link(last_mail_to(newcomer.email))
    response = client.post(link, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


def test_expired_link_is_refused(client, world, newcomer, django_capture_on_commit_callbacks):
    invitation = send(world, newcomer, django_capture_on_commit_callbacks)
    link = invitation_link(last_mail_to(newcomer.email))
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 410


def test_expiry_follows_the_setting(world, newcomer, settings, django_capture_on_commit_callbacks):
    settings.INVITATION_DAYS = 3
    invitation = send(world, newcomer, django_capture_on_commit_callbacks)
    assert dt.timedelta(days=2, hours=23) < invitation.expires_at - timezone.now() <= dt.timedelta(days=3)


def test_a_new_invitation_replaces_the_old_link(client, world, newcomer, django_capture_on_commit_callbacks):
    send(world, newcomer, django_capture_on_commit_callbacks)
    old_link = invitation_link(last_mail_to(newcomer.email))
    send(world, newcomer, django_capture_on_commit_callbacks)
    new_link = invitation_link(last_mail_to(newcomer.email))
    assert old_link != new_link
    assert client.get(old_link).status_code == 410
    assert client.get(new_link).status_code == 200


def test_unknown_token_is_refused(client, db):
    assert client.get(reverse("centres:invitation-accept", args=["not-a-token"])).status_code == 410


def test_someone_with_a_password_is_not_invited(world):
    with pytest.raises(InvitationError):
        invite_user(actor=world.admin, user=world.learner, centre=world.centre, kind=Invitation.Kind.LEARNER)


def test_disabled_account_cannot_use_its_link(world, newcomer, django_capture_on_commit_callbacks):
    send(world, newcomer, django_capture_on_commit_callbacks)
    token = invitation_link(last_mail_to(newcomer.email)).rstrip("/").split("/")[-1]
    newcomer.is_active = False
    newcomer.save()
    with pytest.raises(InvitationError):
        accept_invitation(token=token, password=NEW_PASSWORD)


def test_centre_admin_resends_an_invitation(client, world, newcomer, django_capture_on_commit_callbacks):
    from centres.models import Membership, Role

    Membership.objects.create(user=newcomer, centre=world.centre, role=Role.ASSESSOR)
    client.force_login(world.admin)
    url = reverse("centres:invitation-resend", args=[world.centre.pk, newcomer.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert last_mail_to(newcomer.email)


@pytest.mark.parametrize(
    ("who", "status"), [("assessor", 403), ("other_admin", 404), ("learner", 404), ("anonymous", 302)]
)
def test_resending_an_invitation_is_for_the_centre_admin_only(client, world, newcomer, who, status):
    if who != "anonymous":
        client.force_login(getattr(world, who))
    url = reverse("centres:invitation-resend", args=[world.centre.pk, world.learner.pk])
    assert client.post(url).status_code == status
    assert mail.outbox == []


def test_resending_for_someone_outside_the_centre_is_404(client, world):
    client.force_login(world.admin)
    url = reverse("centres:invitation-resend", args=[world.centre.pk, world.other_centre_assessor.pk])
    assert client.post(url).status_code == 404
