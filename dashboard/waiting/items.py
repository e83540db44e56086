"""What the panel lists: an item (what to do, since when, where), how many each source returns and the panel
shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.timesince import timesince

LIMIT = 8
SHOWN = 8
VISITS_SHOWN = 20


@dataclass(frozen=True)
class WaitingItem:
    since: dt.datetime | dt.date | None  # how long it has waited (None: sorted last)
    text: str
    url: str
    see_all_url: str = ""
    see_all_text: str = ""

    def age(self) -> str:
        """How long it has waited, in words ("" for something not yet due)."""
        when, now = moment(self.since), timezone.now()
        return timesince(when, now) if self.since is not None and when < now else ""


def moment(value) -> dt.datetime:
    if value is None:
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))
