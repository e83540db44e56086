"""Helpers for the dashboard tests: a learner's last activity set by an entry in their history."""

import datetime as dt

import pytest
from django.utils import timezone

from centres.models import Event


@pytest.fixture
def active_on():
    """`active_on(registration, days_ago)`: an entry in the registration's history that many days ago."""

    def add(registration, days_ago: int) -> Event:
        return Event.objects.create(
            centre=registration.centre,
            action="test_activity",
            object_type="registration",
            object_id=registration.pk,
            registration_id=registration.pk,
            at=timezone.now() - dt.timedelta(days=days_ago),
        )

    return add
