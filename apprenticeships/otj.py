"""What counts as off-the-job (OTJ) training: the one place that decides whether an entry may be recorded.

Off-the-job training is learning, within the apprentice's paid working hours, of new knowledge, skills and
behaviours directly relevant to the apprenticeship standard. English and maths, progress reviews and the end-point
assessment never count. An entry also cannot be in the future, outside the apprenticeship's planned dates, inside a
break in learning, or take a day past 24 hours with the day's other entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import OtjActivity

HOURS_IN_A_DAY = Decimal("24")
# One entry of more than a working day and a half is a typing mistake, never one day's learning.
MOST_HOURS_IN_ONE_ENTRY = Decimal("12")

NEVER_OTJ = {
    OtjActivity.ENGLISH_MATHS: gettext_lazy(
        "English and maths do not count as off-the-job training: record them in the progress review instead."
    ),
    OtjActivity.PROGRESS_REVIEW: gettext_lazy("Progress reviews do not count as off-the-job training."),
    OtjActivity.END_POINT_ASSESSMENT: gettext_lazy("The end-point assessment does not count as off-the-job training."),
}


@dataclass(frozen=True)
class ProposedEntry:
    date: dt.date
    hours: Decimal
    activity_type: str
    new_learning: bool
    relevant_to_standard: bool
    within_paid_hours: bool


@dataclass(frozen=True)
class Period:
    starts_on: dt.date
    ends_on: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def refusal(
    entry: ProposedEntry,
    *,
    planned_start: dt.date,
    planned_end: dt.date,
    today: dt.date,
    breaks: Iterable[Period],
    hours_already_that_day: Decimal,
) -> str | None:
    """Why the entry does not count as off-the-job training (the first reason found), or None when it does."""
    if entry.hours is None or entry.hours <= 0:
        return _("Give the hours as a number greater than nought.")
    if entry.hours > MOST_HOURS_IN_ONE_ENTRY:
        return _("%(hours)s hours is more than one entry can hold (at most %(most)s): check the hours.") % {
            "hours": entry.hours,
            "most": MOST_HOURS_IN_ONE_ENTRY,
        }
    if entry.date > today:
        return _("The date is in the future: record training once it has happened.")
    if entry.date < planned_start or entry.date > planned_end:
        return _("The date is outside the apprenticeship (%(start)s to %(end)s).") % {
            "start": planned_start.strftime("%d/%m/%Y"),
            "end": planned_end.strftime("%d/%m/%Y"),
        }
    for period in breaks:
        if period.covers(entry.date):
            return _("The date is inside a break in learning (from %(start)s): no training is recorded then.") % {
                "start": period.starts_on.strftime("%d/%m/%Y")
            }
    if hours_already_that_day + entry.hours > HOURS_IN_A_DAY:
        return _("That makes %(total)s hours on %(date)s with the entries already recorded: a day has 24 hours.") % {
            "total": hours_already_that_day + entry.hours,
            "date": entry.date.strftime("%d/%m/%Y"),
        }
    if entry.activity_type in NEVER_OTJ:
        return str(NEVER_OTJ[entry.activity_type])
    if entry.activity_type not in OtjActivity.values:
        return _("Choose the kind of activity.")
    if not entry.new_learning:
        return _(
            "Off-the-job training must teach new knowledge, skills or behaviours; practising what the apprentice "
            "can already do does not count."
        )
    if not entry.relevant_to_standard:
        return _("Off-the-job training must be directly relevant to the apprenticeship standard.")
    if not entry.within_paid_hours:
        return _("Off-the-job training must take place within the apprentice's paid working hours.")
    return None
