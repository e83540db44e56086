"""Apprenticeships tied to the rest: the assessor is told of a progress review to sign and of reviews due or
overdue (once per state, by a daily task), and review signatures and OTJ entries are entries in the hash chain."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships.reminders import REVIEW_DUE, REVIEW_TO_SIGN, remind_reviews_due
from apprenticeships.services.links import send_employer_link
from apprenticeships.services.otj_log import verify_otj_entry
from apprenticeships.services.signing import sign_review, sign_with_employer_link
from core import periodic
from ledger.models import ChainEntry
from ledger.services import verify
from notifications.models import Notification
from tests.apprenticeships.helpers import IP, _otj, _review

pytestmark = pytest.mark.django_db


def _told(kind, user):
    return list(Notification.objects.filter(kind=kind, recipient=user).order_by("pk"))


def test_the_learners_signature_tells_the_assessor_the_review_waits_for_theirs(world, apprenticeship):
    review = _review(world, apprenticeship)
    assert _told(REVIEW_TO_SIGN, world.assessor) == []  # they recorded it themselves
    sign_review(actor=world.learner, review=review, role="learner", content_hash=review.content_hash, ip_address=IP)
    (notification,) = _told(REVIEW_TO_SIGN, world.assessor)
    assert notification.url == reverse("apprenticeships:review", args=[review.pk])
    sign_review(actor=world.assessor, review=review, role="provider", content_hash=review.content_hash, ip_address=IP)
    _link, token = send_employer_link(actor=world.assessor, review=review)
    sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address=IP)
    assert len(_told(REVIEW_TO_SIGN, world.assessor)) == 1  # the provider had signed: nothing more to ask


def test_reviews_due_then_overdue_are_told_once_each_by_the_daily_task(world, apprenticeship):
    assert periodic.REGISTRY["reviews_due"].func == "apprenticeships.reminders.remind_reviews_due"
    review = apprenticeship.reviews.get()
    today = timezone.localdate()
    review.due_on = today + dt.timedelta(days=3)
    review.save(update_fields=["due_on"])
    assert remind_reviews_due(today) == 1
    assert remind_reviews_due(today) == 0
    assert remind_reviews_due(today + dt.timedelta(days=4)) == 1
    assert remind_reviews_due(today + dt.timedelta(days=5)) == 0
    # Unread, the "due" notification was brought to the top as "overdue" (notify() never repeats an unread one).
    (notification,) = Notification.objects.filter(kind=REVIEW_DUE)
    assert "overdue" in notification.title
    assert {n.recipient for n in Notification.objects.filter(kind=REVIEW_DUE)} == {world.assessor}


def test_review_signatures_and_otj_entries_are_in_the_chain(world, apprenticeship):
    review = _review(world, apprenticeship)
    sign_review(actor=world.learner, review=review, role="learner", content_hash=review.content_hash, ip_address=IP)
    entry = _otj(world, apprenticeship)
    verify_otj_entry(actor=world.assessor, entry=entry)
    kinds = list(
        ChainEntry.objects.filter(registration_id=world.registration.pk)
        .order_by("seq")
        .values_list("kind", "object_ref")
    )
    signature = review.signatures.get()
    assert ("review_signature", f"review-signature:{signature.pk}") in kinds
    assert kinds[-2:] == [("otj_entry", f"otj:{entry.pk}"), ("otj_verified", f"otj:{entry.pk}")]
    assert verify(world.registration).ok
