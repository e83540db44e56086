"""The one-click unsubscribe (RFC 8058): a signed link, no sign-in, and it changes that one choice only."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications import kinds
from notifications.email import unsubscribe_token
from notifications.kinds import Delivery
from notifications.services import notify, preferences_of

pytestmark = pytest.mark.django_db


def _url(user, kind=kinds.EVIDENCE_JUDGED):
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(user, [kind])])


def test_the_emails_link_turns_that_kind_off_without_signing_in(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(world.learner, kinds.EVIDENCE_JUDGED, centre=world.centre, title="E1 judged", url="/")
    header = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = header.split("testserver", 1)[-1].split("127.0.0.1:8000", 1)[-1]
    client = Client(enforce_csrf_checks=True)  # the mail client has no session and no CSRF token
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    choices = preferences_of(world.learner)
    assert choices[kinds.EVIDENCE_JUDGED] == Delivery.OFF
    assert choices[kinds.EVIDENCE_SUBMITTED] == Delivery.IMMEDIATE  # the others are untouched


def test_opening_the_link_only_asks(world):
    response = Client().get(_url(world.learner))
    assert response.status_code == 200
    assert "Decision and feedback" in response.content.decode()
    assert preferences_of(world.learner)[kinds.EVIDENCE_JUDGED] == Delivery.IMMEDIATE


def test_a_tampered_or_foreign_token_is_refused(world):
    token = unsubscribe_token(world.learner, [kinds.EVIDENCE_JUDGED])
    assert Client().post(reverse("notifications:unsubscribe", args=[token[:-2] + "xx"])).status_code == 404
    assert Client().post(reverse("notifications:unsubscribe", args=["not-a-token"])).status_code == 404
    assert preferences_of(world.learner)[kinds.EVIDENCE_JUDGED] == Delivery.IMMEDIATE


def test_one_persons_link_changes_only_their_choice(world):
    Client().post(_url(world.learner))
    assert preferences_of(world.learner)[kinds.EVIDENCE_JUDGED] == Delivery.OFF
    assert preferences_of(world.other_learner)[kinds.EVIDENCE_JUDGED] == Delivery.IMMEDIATE
