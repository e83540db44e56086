"""Observations tied to the rest: the learner is notified of a record to confirm, and each signature of a record is
an entry in the registration's hash chain."""

import pytest
from django.urls import reverse

from ledger.models import ChainEntry
from ledger.services import verify
from notifications.models import Notification
from observations.services.recording import OBSERVATION_TO_CONFIRM, record_observation
from observations.services.signatures import SignatureInput, confirm_observation
from tests.observations.helpers import drawn_by_learner, record_input

pytestmark = pytest.mark.django_db


def _later(world):
    return record_observation(
        actor=world.assessor,
        registration=world.registration,
        data=record_input(),
        learner_confirms_later=True,
        learner=SignatureInput(),
    )


def test_a_record_left_to_confirm_notifies_the_learner_with_the_confirm_page(world, media_root):
    record = _later(world)
    (notification,) = Notification.objects.filter(kind=OBSERVATION_TO_CONFIRM)
    assert notification.recipient == world.learner
    assert notification.url == reverse("observations:record-confirm", args=[record.pk])
    assert not Notification.objects.filter(kind=OBSERVATION_TO_CONFIRM, recipient=world.assessor).exists()


def test_a_record_signed_on_the_device_notifies_nobody_to_confirm(world, media_root):
    data = record_input()
    record_observation(
        actor=world.assessor,
        registration=world.registration,
        data=data,
        learner_confirms_later=False,
        learner=drawn_by_learner(data),
    )
    assert not Notification.objects.filter(kind=OBSERVATION_TO_CONFIRM).exists()


def test_each_signature_of_a_record_is_in_the_chain_and_the_chain_verifies(world, media_root):
    data = record_input()
    record = record_observation(
        actor=world.assessor,
        registration=world.registration,
        data=data,
        learner_confirms_later=False,
        learner=drawn_by_learner(data),
        witness=SignatureInput(name="Wendy Witness", typed="Wendy Witness", signed_content=""),
    )
    entries = ChainEntry.objects.filter(registration_id=world.registration.pk, kind="record_signature")
    assert sorted(e.object_ref for e in entries) == sorted(f"record-signature:{s.pk}" for s in record.signatures.all())
    later = _later(world)
    confirm_observation(actor=world.learner, record=later, signed_hash=later.content_hash)
    assert entries.all().count() == 3  # a fresh query: the learner's later confirmation is the third
    assert verify(world.registration).ok
