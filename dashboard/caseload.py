"""A table of learners with their progress, last activity and red/amber/green status, sorted on the server: an
assessor's caseload and a centre's learners on or behind track. Three queries whatever the number of learners
(the registrations, their progress, their last history entries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Event
from portfolio.progress import Progress, registration_progress
from portfolio.services.registration import Schedule, schedule_for

from .status import RagStatus, quiet_days, rag_status

# The columns a table sorts by, each with its key; "-name" sorts descending.
SORTS = {
    "name": lambda row: (row.registration.learner.full_name.casefold(), row.registration.pk),
    "progress": lambda row: (row.progress.percent, row.progress.met, row.registration.learner.full_name.casefold()),
    "activity": lambda row: (row.last_activity_sort, row.registration.learner.full_name.casefold()),
    "status": lambda row: (row.status.urgency, -row.quiet, row.registration.learner.full_name.casefold()),
}
DEFAULT_SORT = "status"
_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass
class CaseloadRow:
    registration: object
    progress: Progress
    last_activity: dt.datetime | None
    quiet: int
    schedule: Schedule
    status: RagStatus

    @property
    def last_activity_sort(self) -> dt.datetime:
        return self.last_activity or _EPOCH


def last_activity(registration_ids: list[int]) -> dict[int, dt.datetime]:
    """The time of the latest entry in each registration's history (one query)."""
    if not registration_ids:
        return {}
    rows = (
        Event.objects.filter(registration_id__in=registration_ids)
        .order_by()
        .values("registration_id")
        .annotate(last=Max("at"))
        .values_list("registration_id", "last")
    )
    return dict(rows)


def caseload_rows(registrations: QuerySet, *, today: dt.date | None = None) -> list[CaseloadRow]:
    today = today or timezone.localdate()
    registrations = list(registrations.select_related("learner", "qualification", "centre"))
    progress = registration_progress(registrations)
    latest = last_activity([registration.pk for registration in registrations])
    rows = []
    for registration in registrations:
        schedule = schedule_for(registration, progress[registration.pk], today)
        activity = latest.get(registration.pk)
        quiet = quiet_days(activity, since=registration.start_date, today=today)
        rows.append(
            CaseloadRow(
                registration,
                progress[registration.pk],
                activity,
                quiet,
                schedule,
                rag_status(schedule=schedule.key, quiet=quiet),
            )
        )
    return rows


def parse_sort(value: str | None) -> tuple[str, bool]:
    """(column, descending) from the query string's `sort` ("progress", "-activity"); anything else: the default."""
    value = value or DEFAULT_SORT
    descending = value.startswith("-")
    column = value.removeprefix("-")
    if column not in SORTS:
        return DEFAULT_SORT, False
    return column, descending


def sort_rows(rows: list[CaseloadRow], column: str, descending: bool) -> list[CaseloadRow]:
    return sorted(rows, key=SORTS[column], reverse=descending)


HEADINGS = {"name": _("Learner"), "progress": _("Progress"), "activity": _("Last activity"), "status": _("Status")}


def sort_links(column: str, descending: bool) -> list[dict]:
    """The column headers: each with the query value that sorts by it (the other way round when it is the current
    one) and its aria-sort value."""
    links = []
    for name, heading in HEADINGS.items():
        current = name == column
        links.append(
            {
                "heading": heading,
                "value": f"-{name}" if current and not descending else name,
                "aria": ("descending" if descending else "ascending") if current else "",
                "current": current,
            }
        )
    return links
