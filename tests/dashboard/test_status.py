"""The red/amber/green rule (dashboard.status): one place, read by the caseload and the centre overview."""

import datetime as dt

import pytest

from dashboard.status import Rag, quiet_days, rag_status

TODAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize(
    ("schedule", "quiet", "expected"),
    [
        ("on_track", 0, Rag.GREEN),
        ("on_track", 13, Rag.GREEN),
        ("on_track", 14, Rag.AMBER),
        ("on_track", 29, Rag.AMBER),
        ("on_track", 30, Rag.RED),
        ("behind", 0, Rag.AMBER),
        ("behind", 30, Rag.RED),
        ("overdue", 0, Rag.RED),
        ("not_started", 0, Rag.GREEN),
    ],
)
def test_rag_follows_the_schedule_and_the_days_without_activity(schedule, quiet, expected):
    assert rag_status(schedule=schedule, quiet=quiet).rag == expected


def test_red_says_every_reason():
    status = rag_status(schedule="overdue", quiet=45)
    assert status.reasons == ("past the planned end date", "no activity for 45 days")
    assert status.label == "Red"


def test_amber_behind_and_quiet_gives_both_reasons():
    assert rag_status(schedule="behind", quiet=20).reasons == ("behind the planned pace", "no activity for 20 days")


def test_green_has_no_reasons():
    assert rag_status(schedule="on_track", quiet=1).reasons == ()


def test_quiet_days_count_from_the_last_activity_or_the_start():
    at = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
    assert quiet_days(at, since=dt.date(2026, 1, 1), today=TODAY) == 16
    assert quiet_days(None, since=dt.date(2026, 11, 26), today=TODAY) == 10
    # A learner who starts in the future has been quiet for no days.
    assert quiet_days(None, since=dt.date(2027, 1, 1), today=TODAY) == 0


def test_urgency_puts_red_first():
    assert sorted([Rag.GREEN, Rag.RED, Rag.AMBER], key=Rag.ORDER.get) == [Rag.RED, Rag.AMBER, Rag.GREEN]
