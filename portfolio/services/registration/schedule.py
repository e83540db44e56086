"""Whether a learner is on track or behind, and which registrations a centre admin should look at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from portfolio.models import Registration
from portfolio.progress import Progress

BEHIND_MARGIN = 0.10


@dataclass(frozen=True)
class Schedule:
    key: str  # "on_track", "behind", "overdue", "not_started" or "closed"
    label: str

    @property
    def needs_attention(self) -> bool:
        return self.key in ("behind", "overdue")


def schedule_for(registration: Registration, progress: Progress | None, today: dt.date | None = None) -> Schedule:
    """Whether the learner is on track, from the dates and the criteria met so far."""
    today = today or timezone.localdate()
    if registration.status != Registration.Status.ACTIVE:
        return Schedule("closed", registration.get_status_display())
    met = progress.met if progress else 0
    required = progress.required if progress else 0
    done = met / required if required else 0.0
    if today > registration.planned_end_date and done < 1:
        return Schedule("overdue", gettext("Past planned end"))
    if today < registration.start_date:
        return Schedule("not_started", gettext("Not started"))
    total = (registration.planned_end_date - registration.start_date).days or 1
    expected = min(1.0, (today - registration.start_date).days / total)
    if done + BEHIND_MARGIN < expected:
        return Schedule("behind", gettext("Behind"))
    return Schedule("on_track", gettext("On track"))


def attention_filter() -> Q:
    """Active registrations a centre admin should look at: no identity check recorded, or past their end."""
    return Q(status=Registration.Status.ACTIVE) & (
        Q(id_checked_on__isnull=True) | Q(planned_end_date__lt=timezone.localdate())
    )
