"""The daily reminders planning sends (periodic tasks declared in PlanningConfig.ready, run by the worker):

- a plan item due soon (within DUE_SOON_DAYS) and then overdue, to the learner and their assessor, once per item
  and state (the state and due date are in the title, and notifications.services.told_before remembers);
- a visit tomorrow, to the assessor and each learner on it, once per visit and date (a visit moved to another
  day is told again; a cancelled one is not).

Items and visits are read in batches of BATCH in a fixed number of queries per batch."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from notifications.kinds import PLAN_ITEM_DUE, VISIT_TOMORROW
from notifications.services import notify_once, told_before

from .models import PlanItem, Visit
from .selectors import item_rows

BATCH = 500
DUE_SOON_DAYS = 2


def _item_title(row, today: dt.date) -> str:
    due = date_format(row.item.due_on, "SHORT_DATE_FORMAT")
    if row.item.due_on < today:
        return gettext("An activity of your assessment plan is overdue (due %(date)s)") % {"date": due}
    return gettext("An activity of your assessment plan is due %(date)s") % {"date": due}


def remind_plan_items(today: dt.date | None = None) -> int:
    """Tell learners and assessors of plan items due soon or overdue, not yet done; returns how many were told."""
    today = today or timezone.localdate()
    candidates = (
        PlanItem.objects.current()
        .with_coverage()
        .filter(due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
        .select_related(
            "version__plan__registration__learner",
            "version__plan__registration__assessor",
            "version__plan__registration__centre",
        )
        .prefetch_related("criteria__unit", "methods")
        .order_by("pk")
    )
    told_count, last_pk = 0, 0
    while True:
        batch = list(candidates.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            return told_count
        last_pk = batch[-1].pk
        rows = [row for row in item_rows(batch) if not row.done]
        told = told_before(PLAN_ITEM_DUE, PlanItem._meta.model_name, [row.item.pk for row in rows])
        for row in rows:
            registration = row.item.version.plan.registration
            title = partial(_item_title, row, today)  # written in each person's language
            url = reverse("planning:plan-detail", args=[row.item.version.plan_id])
            for person in (registration.learner, registration.assessor):
                told_count += notify_once(
                    told,
                    person,
                    PLAN_ITEM_DUE,
                    centre=registration.centre,
                    title=title,
                    url=url,
                    subject_object=row.item,
                )


def _visit_title(visit) -> str:
    return gettext("You have a visit tomorrow, %(date)s at %(time)s") % {
        "date": date_format(visit.date, "SHORT_DATE_FORMAT"),
        "time": f"{visit.starts_at:%H:%M}",
    }


def remind_visits_tomorrow(today: dt.date | None = None) -> int:
    """Tell the assessor and the learners of each visit booked for tomorrow (not cancelled)."""
    tomorrow = (today or timezone.localdate()) + dt.timedelta(days=1)
    visits = (
        Visit.objects.live()
        .filter(date=tomorrow)
        .select_related("assessor", "centre")
        .prefetch_related("registrations__learner")
        .order_by("pk")
    )
    told_count, last_pk = 0, 0
    while True:
        batch = list(visits.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            return told_count
        last_pk = batch[-1].pk
        told = told_before(VISIT_TOMORROW, Visit._meta.model_name, [visit.pk for visit in batch])
        for visit in batch:
            title = partial(_visit_title, visit)  # written in each person's language
            url = reverse("planning:visit-detail", args=[visit.pk])
            people = [visit.assessor] + [registration.learner for registration in visit.registrations.all()]
            for person in people:
                told_count += notify_once(
                    told, person, VISIT_TOMORROW, centre=visit.centre, title=title, url=url, subject_object=visit
                )
