"""Changing a registration's start and planned end dates (portfolio.services.registration.change_dates)."""

import datetime as dt

import pytest

from centres.models import Event
from portfolio.services import NotAllowed
from portfolio.services.registration import RegistrationError, change_dates

pytestmark = pytest.mark.django_db


def test_admin_moves_the_planned_end_and_the_history_keeps_both(world):
    before = world.registration.planned_end_date
    change_dates(actor=world.admin, registration=world.registration, planned_end_date=before + dt.timedelta(days=30))
    world.registration.refresh_from_db()
    assert world.registration.planned_end_date == before + dt.timedelta(days=30)
    event = Event.objects.get(action="registration.dates_changed")
    assert event.data["previous"]["planned_end_date"] == before.isoformat()


def test_end_before_start_is_refused(world):
    with pytest.raises(RegistrationError):
        change_dates(actor=world.admin, registration=world.registration, planned_end_date=world.registration.start_date)


def test_assessor_may_not_change_dates(world):
    with pytest.raises(NotAllowed):
        change_dates(
            actor=world.assessor,
            registration=world.registration,
            planned_end_date=world.registration.planned_end_date + dt.timedelta(days=1),
        )
