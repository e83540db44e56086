"""A new message in a thread notifies the thread's other participants (never the author), once while unread."""

import pytest
from django.core import mail
from django.urls import reverse

from conversations.services import NEW_MESSAGE, post_on_evidence, post_on_unit
from notifications.models import Notification
from qualifications.models import Unit
from tests.conversations.helpers import _sample
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    return media_root


def _told(user):
    return list(Notification.objects.filter(recipient=user, kind=NEW_MESSAGE))


def test_a_learners_message_notifies_the_assessor_not_the_learner(world, django_capture_on_commit_callbacks):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_on_evidence(actor=world.learner, evidence=evidence, body="Is this enough?")
    (notification,) = _told(world.assessor)
    assert notification.url == reverse("portfolio:evidence-detail", args=[evidence.pk])
    assert str(evidence.reference) in notification.title
    assert _told(world.learner) == []
    assert [message.to for message in mail.outbox] == [[world.assessor.email]]
    assert "Is this enough?" not in mail.outbox[0].body  # the email links to the page; the message stays there


def test_the_assessors_reply_notifies_the_learner_and_a_second_unread_one_is_not_repeated(world):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1))
    post_on_evidence(actor=world.learner, evidence=evidence, body="Question.")
    post_on_evidence(actor=world.assessor, evidence=evidence, body="Answer.")
    post_on_evidence(actor=world.assessor, evidence=evidence, body="And another thing.")
    assert len(_told(world.learner)) == 1
    assert len(_told(world.assessor)) == 1


def test_an_iqa_who_wrote_in_a_unit_thread_hears_of_the_replies(world):
    unit = Unit.objects.get(reference=UNIT_A)
    _sample(world, unit)
    post_on_unit(actor=world.iqa, registration=world.registration, unit=unit, body="Sampled this unit.")
    assert len(_told(world.learner)) == 1 and len(_told(world.assessor)) == 1
    post_on_unit(actor=world.learner, registration=world.registration, unit=unit, body="Thank you.")
    (notification,) = _told(world.iqa)
    assert unit.reference in notification.title
    assert _told(world.learner)[0].actor == world.iqa
