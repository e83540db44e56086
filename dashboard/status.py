"""Red, amber or green for a learner: the one rule the caseload, the centre's learner table and the centre overview
read. It rests on two facts: the schedule (portfolio's `schedule_for`: past the planned end date, or behind the pace
the dates ask for) and how long the learner's history has been quiet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

RED_AFTER_QUIET_DAYS = 30
AMBER_AFTER_QUIET_DAYS = 14


class Rag:
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    LABELS = {RED: _("Red"), AMBER: _("Amber"), GREEN: _("Green")}
    ORDER = {RED: 0, AMBER: 1, GREEN: 2}  # most urgent first


@dataclass(frozen=True)
class RagStatus:
    rag: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return Rag.LABELS[self.rag]

    @property
    def urgency(self) -> int:
        return Rag.ORDER[self.rag]


def quiet_days(last_activity: dt.datetime | None, *, since: dt.date, today: dt.date) -> int:
    """Whole days since the last entry in the learner's history (or since they started, with none)."""
    last = last_activity.date() if last_activity is not None else since
    return max(0, (today - max(last, since)).days)


def _no_activity(quiet: int) -> str:
    return ngettext("no activity for %(count)s day", "no activity for %(count)s days", quiet) % {"count": quiet}


def rag_status(*, schedule: str, quiet: int) -> RagStatus:
    """Red: past the planned end date with criteria still to meet, or nothing recorded for 30 days or more.
    Amber: behind the pace the dates ask for, or nothing recorded for 14 days or more. Green otherwise.
    `schedule` is a key of portfolio's Schedule ("overdue", "behind", "on_track", "not_started", "closed")."""
    red, amber = [], []
    if schedule == "overdue":
        red.append(gettext("past the planned end date"))
    elif schedule == "behind":
        amber.append(gettext("behind the planned pace"))
    if quiet >= RED_AFTER_QUIET_DAYS:
        red.append(_no_activity(quiet))
    elif quiet >= AMBER_AFTER_QUIET_DAYS:
        amber.append(_no_activity(quiet))
    if red:
        return RagStatus(Rag.RED, tuple(red + amber))
    if amber:
        return RagStatus(Rag.AMBER, tuple(amber))
    return RagStatus(Rag.GREEN, ())
