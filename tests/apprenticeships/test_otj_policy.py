"""apprenticeships/otj.py: what counts as off-the-job training, each refusal with its reason."""

import datetime as dt
from decimal import Decimal

import pytest

from apprenticeships.models import OtjActivity
from apprenticeships.otj import Period, ProposedEntry, refusal

TODAY = dt.date(2026, 6, 10)
START, END = dt.date(2026, 1, 5), dt.date(2027, 2, 5)


def entry(**changes) -> ProposedEntry:
    values = {
        "date": TODAY - dt.timedelta(days=1),
        "hours": Decimal("3"),
        "activity_type": OtjActivity.THEORY,
        "new_learning": True,
        "relevant_to_standard": True,
        "within_paid_hours": True,
    }
    return ProposedEntry(**(values | changes))


def check(proposed, *, breaks=(), already=Decimal("0")):
    return refusal(
        proposed, planned_start=START, planned_end=END, today=TODAY, breaks=breaks, hours_already_that_day=already
    )


def test_training_that_counts_is_accepted():
    assert check(entry()) is None


def test_future_date_is_refused():
    assert "future" in check(entry(date=TODAY + dt.timedelta(days=1)))


def test_date_before_the_apprenticeship_is_refused():
    assert "outside the apprenticeship" in check(entry(date=START - dt.timedelta(days=1)))


def test_date_inside_a_break_is_refused():
    assert "break in learning" in check(entry(), breaks=[Period(TODAY - dt.timedelta(days=5), None)])


def test_date_after_a_break_ended_is_accepted():
    assert check(entry(), breaks=[Period(TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=20))]) is None


def test_more_than_24_hours_in_a_day_with_the_days_other_entries_is_refused():
    assert "a day has 24 hours" in check(entry(hours=Decimal("5")), already=Decimal("20"))


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-2"), None])
def test_negative_or_no_hours_are_refused(hours):
    assert "greater than nought" in check(entry(hours=hours))


def test_absurd_hours_in_one_entry_are_refused():
    assert "more than one entry can hold" in check(entry(hours=Decimal("30")))


@pytest.mark.parametrize(
    ("activity", "words"),
    [
        (OtjActivity.ENGLISH_MATHS, "English and maths"),
        (OtjActivity.PROGRESS_REVIEW, "Progress reviews"),
        (OtjActivity.END_POINT_ASSESSMENT, "end-point assessment"),
    ],
)
def test_english_maths_reviews_and_epa_never_count(activity, words):
    assert words in check(entry(activity_type=activity))


def test_no_new_learning_is_refused():
    assert "new knowledge" in check(entry(new_learning=False))


def test_not_relevant_to_the_standard_is_refused():
    assert "relevant to the apprenticeship standard" in check(entry(relevant_to_standard=False))


def test_outside_paid_hours_is_refused():
    assert "paid working hours" in check(entry(within_paid_hours=False))
