"""Planning's daily reminders (plan items due or overdue, visits tomorrow) and plan signatures in the hash chain."""

import datetime as dt

import pytest
from django.urls import reverse

from core import periodic
from ledger.models import ChainEntry
from ledger.services import verify
from notifications.kinds import PLAN_ITEM_DUE, VISIT_TOMORROW
from notifications.models import Notification
from planning.reminders import remind_plan_items, remind_visits_tomorrow
from planning.services.plans import sign_plan, version_hash
from planning.services.visits import cancel_visit, change_visit, schedule_visit

from .helpers import criteria_of, item, make_plan, visit_input

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _told(kind, user=None):
    found = Notification.objects.filter(kind=kind).order_by("pk")
    return list(found.filter(recipient=user) if user is not None else found)


def test_the_reminders_are_declared_daily_periodic_tasks():
    assert periodic.REGISTRY["plan_items_due"].func == "planning.reminders.remind_plan_items"
    assert periodic.REGISTRY["visits_tomorrow"].minutes == 24 * 60


def test_an_item_is_told_once_when_due_and_once_when_overdue_to_learner_and_assessor(world):
    version = make_plan(world.registration, items=[item(criteria_of(world.registration, 1), due_on=TODAY)])
    later = make_plan(
        world.registration,
        items=[item(criteria_of(world.registration, 1), due_on=TODAY + dt.timedelta(days=20))],
        title="Later",
    )
    assert remind_plan_items(TODAY) == 2
    assert remind_plan_items(TODAY) == 0  # run again the same day: nobody told twice
    (learner_note,) = _told(PLAN_ITEM_DUE, world.learner)
    (assessor_note,) = _told(PLAN_ITEM_DUE, world.assessor)
    assert "due" in learner_note.title and "overdue" not in learner_note.title
    assert learner_note.url == reverse("planning:plan-detail", args=[version.plan_id])
    assert later.plan_id != version.plan_id
    assert remind_plan_items(TODAY + dt.timedelta(days=1)) == 2  # now overdue: told once more
    assert remind_plan_items(TODAY + dt.timedelta(days=2)) == 0
    assert "overdue" in _told(PLAN_ITEM_DUE, world.learner)[-1].title


def test_a_welsh_learner_is_told_in_welsh_and_still_only_once(world):
    from django.utils import translation

    world.learner.language = "cy"
    world.learner.save(update_fields=["language"])
    make_plan(world.registration, items=[item(criteria_of(world.registration, 1), due_on=TODAY)])
    with translation.override("en-gb"):  # the worker's language is not the learner's
        assert remind_plan_items(TODAY) == 2
        assert remind_plan_items(TODAY) == 0
    (learner_note,) = _told(PLAN_ITEM_DUE, world.learner)
    (assessor_note,) = _told(PLAN_ITEM_DUE, world.assessor)
    assert "cynllun asesu" in learner_note.title and "assessment plan" in assessor_note.title


def test_an_item_read_and_then_overdue_is_a_new_notification(world):
    make_plan(world.registration, items=[item(criteria_of(world.registration, 1), due_on=TODAY)])
    remind_plan_items(TODAY)
    Notification.objects.update(read_at=dt.datetime.now(dt.UTC))
    remind_plan_items(TODAY + dt.timedelta(days=1))
    assert len(_told(PLAN_ITEM_DUE, world.learner)) == 2


def test_visit_tomorrow_tells_the_assessor_and_learner_once_and_not_when_cancelled(world):
    tomorrow = TODAY + dt.timedelta(days=1)
    visit = schedule_visit(user=world.assessor, data=visit_input(world.registration, date=tomorrow))
    other = schedule_visit(user=world.assessor, data=visit_input(world.registration, date=tomorrow))
    cancel_visit(visit=other, user=world.assessor, reason="Ill")
    schedule_visit(user=world.assessor, data=visit_input(world.registration, date=tomorrow + dt.timedelta(days=1)))
    assert remind_visits_tomorrow(TODAY) == 2
    assert remind_visits_tomorrow(TODAY) == 0
    assert {n.recipient for n in _told(VISIT_TOMORROW)} == {world.learner, world.assessor}
    assert all(n.subject_id == visit.pk for n in _told(VISIT_TOMORROW))
    # Moved to the day after: told again the evening before the new day.
    moved = visit_input(world.registration, date=tomorrow + dt.timedelta(days=1))
    change_visit(visit=visit, user=world.assessor, data=moved)
    assert remind_visits_tomorrow(tomorrow) == 4  # this visit and the one already booked that day, to both


def test_plan_signatures_are_chain_entries_and_the_chain_verifies(world):
    version = make_plan(world.registration)
    shown = version_hash(version)
    signatures = [
        sign_plan(version=version, user=world.learner, expected_hash=shown),
        sign_plan(version=version, user=world.assessor, expected_hash=shown),
    ]
    entries = ChainEntry.objects.filter(registration_id=world.registration.pk, kind="plan_signature").order_by("seq")
    assert [e.object_ref for e in entries] == [f"plan-signature:{s.pk}" for s in signatures]
    assert '"content_hash":"' + shown in entries[0].content
    assert verify(world.registration).ok
