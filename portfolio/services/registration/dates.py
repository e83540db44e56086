"""Changing a registration's start and planned end dates (a centre admin's correction or a replanned course)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from centres.models import record_event
from portfolio.models import Registration

from ._common import _lock, _require_active, _require_centre_admin
from .errors import RegistrationError


@transaction.atomic
def change_dates(
    *,
    actor,
    registration: Registration,
    start_date: dt.date | None = None,
    planned_end_date: dt.date | None = None,
    reason: str = "",
) -> Registration:
    """Set either date or both (None keeps it); the planned end stays after the start. Recorded with both dates
    before and after."""
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    new_start = start_date or registration.start_date
    new_end = planned_end_date or registration.planned_end_date
    if (new_start, new_end) == (registration.start_date, registration.planned_end_date):
        raise RegistrationError({None: ["These are already the registration's dates."]})
    if new_end <= new_start:
        raise RegistrationError({"planned_end_date": ["The planned end date must be after the start date."]})
    previous = {
        "start_date": registration.start_date.isoformat(),
        "planned_end_date": registration.planned_end_date.isoformat(),
    }
    registration.start_date, registration.planned_end_date = new_start, new_end
    registration.save(update_fields=["start_date", "planned_end_date"])
    reason = reason.strip()
    record_event(
        action="registration.dates_changed",
        obj=registration,
        actor=actor,
        registration=registration,
        summary=f"Dates changed to {new_start:%-d %B %Y} – {new_end:%-d %B %Y}" + (f": {reason}" if reason else ""),
        previous=previous,
        start_date=new_start.isoformat(),
        planned_end_date=new_end.isoformat(),
        reason=reason,
    )
    return registration
