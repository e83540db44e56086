"""A learner's active registrations are read with SQL built once per process (core.compiled), with planning's flags:
the day they are read for is given each time, never kept from the day the SQL was built."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from portfolio.progress import active_registrations_of
from tests.planning.helpers import criteria_of, item, make_plan

pytestmark = pytest.mark.django_db


def test_a_plan_activity_becomes_overdue_when_the_day_passes_in_a_process_that_built_the_read_before(world):
    today = timezone.localdate()
    make_plan(world.registration, items=[item(criteria_of(world.registration, 1), due_on=today)])
    assert active_registrations_of(world.learner)[0].has_overdue_plan_items is False  # due today: not overdue
    tomorrow = today + dt.timedelta(days=1)
    with mock.patch("portfolio.progress.sharing.timezone.localdate", return_value=tomorrow):
        assert active_registrations_of(world.learner)[0].has_overdue_plan_items is True
