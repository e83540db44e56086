"""The daily digest: one email per person with what waits for it, in a fixed number of queries per batch."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import kinds
from notifications.kinds import Delivery
from notifications.models import Notification
from notifications.services import notify, set_preference
from notifications.tasks import send_daily_digests
from portfolio.models import Registration
from tests.factories import make_registration

pytestmark = pytest.mark.django_db


def _digest_learners(world, count):
    learners = []
    for _ in range(count):
        registration = make_registration(world.centre, assessor=world.assessor, iqa=world.iqa)
        learner = registration.learner
        set_preference(user=learner, kind=kinds.EVIDENCE_JUDGED, delivery=Delivery.DIGEST)
        for reference in ("E1", "E2"):
            notify(
                learner, kinds.EVIDENCE_JUDGED, centre=world.centre, title=f"Evidence {reference} was judged", url="/"
            )
        learners.append(learner)
    return learners


def test_one_email_per_person_with_all_their_items(world):
    learners = _digest_learners(world, 2)
    counts = send_daily_digests()
    assert counts == {"emails": 2, "notifications": 4, "skipped": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(learner.email for learner in learners)
    body = mail.outbox[0].body
    assert "Evidence E1 was judged" in body and "Evidence E2 was judged" in body
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.digest_waiting().exists()
    assert send_daily_digests()["emails"] == 0  # nothing is sent twice


def test_the_digest_skips_people_who_left_or_turned_it_off(world):
    left, turned_off, stays = _digest_learners(world, 3)
    Registration.objects.filter(learner=left).update(status=Registration.Status.WITHDRAWN)
    set_preference(user=turned_off, kind=kinds.EVIDENCE_JUDGED, delivery=Delivery.OFF)
    counts = send_daily_digests()
    assert [m.to for m in mail.outbox] == [[stays.email]]
    assert counts["skipped"] == 4


def test_the_digest_runs_in_the_same_queries_for_more_people(world, monkeypatch):
    from notifications import tasks

    monkeypatch.setattr(tasks, "DIGEST_BATCH", 1000)
    _digest_learners(world, 2)
    with CaptureQueriesContext(connection) as small:
        send_daily_digests()
    _digest_learners(world, 8)
    with CaptureQueriesContext(connection) as large:
        send_daily_digests()
    assert len(small) == len(large)


def test_the_digest_is_a_declared_periodic_task():
    from core import periodic

    task = periodic.REGISTRY["notification_digest"]
    assert task.func == "notifications.tasks.send_daily_digests" and task.minutes == 24 * 60
