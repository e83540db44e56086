"""The "Waiting for you" panel at the top of every home page: what to do now, oldest first.

Each source is a function `(user, roles) -> list[WaitingItem]` in WAITING_SOURCES; it returns at most LIMIT + 1
items, oldest first, read in a fixed number of queries (so the panel costs the same at 100 or 10,000 learners).
Each module of this package holds the sources of one kind of person or one app's work. An app's items join
with one line, here or from the app's own code at start-up:

    from dashboard.waiting import WAITING_SOURCES, WaitingItem
    WAITING_SOURCES.append(plan_items_due)      # (user, roles) -> [WaitingItem(since=..., text=..., url=...)]

The panel shows the SHOWN oldest items of all sources together, and a "see all" link for each source that had
more than it could show.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from centres.models import Role

from .admins import admin_registrations
from .assessors import assessor_actions, assessor_countersignatures, assessor_queue_items, assessor_sheets
from .iqas import iqa_work
from .items import LIMIT, SHOWN, VISITS_SHOWN, WaitingItem, moment
from .learners import learner_feedback, learner_sheets
from .plans import assessor_plan_items, learner_observations, learner_plan_items, plans_to_sign
from .reviews import reviews_waiting
from .visits import this_weeks_visits

WAITING_SOURCES: list[Callable[..., list[WaitingItem]]] = [
    learner_feedback,
    learner_sheets,
    assessor_queue_items,
    assessor_countersignatures,
    assessor_sheets,
    assessor_actions,
    iqa_work,
    admin_registrations,
    learner_plan_items,
    assessor_plan_items,
    plans_to_sign,
    learner_observations,
    reviews_waiting,
]


def waiting_panel(user, roles) -> dict:
    """The panel's context: the SHOWN oldest items and a "see all" link for each source with more."""
    items, more = [], {}
    for source in WAITING_SOURCES:
        found = source(user, roles)
        items.extend(found)
    items.sort(key=lambda item: moment(item.since))
    shown = items[:SHOWN]
    for item in items[SHOWN:]:
        if item.see_all_url:
            more.setdefault(item.see_all_url, item.see_all_text)
    return {
        "template": "dashboard/_waiting.html",
        "order": 0,
        "items": shown,
        "more": sorted(more.items(), key=lambda pair: pair[1]),
        "hidden": max(len(items) - SHOWN, 0),
        "visits": this_weeks_visits(user, roles),
        "calendar_url": reverse("planning:calendar") if roles.get(Role.ASSESSOR) else "",
    }


__all__ = [
    "LIMIT",
    "SHOWN",
    "VISITS_SHOWN",
    "WAITING_SOURCES",
    "WaitingItem",
    "admin_registrations",
    "assessor_actions",
    "assessor_countersignatures",
    "assessor_plan_items",
    "assessor_queue_items",
    "assessor_sheets",
    "iqa_work",
    "learner_feedback",
    "learner_observations",
    "learner_plan_items",
    "learner_sheets",
    "plans_to_sign",
    "reviews_waiting",
    "this_weeks_visits",
    "waiting_panel",
]
