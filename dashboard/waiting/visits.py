"""The person's visits this week (the panel's calendar strip)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from centres.models import Role
from planning.dashboard import any_flag
from planning.models import Visit
from portfolio.progress import active_registrations_of

from .items import VISITS_SHOWN


def this_weeks_visits(user, roles) -> list[Visit] | None:
    """The person's visits this week, Monday to Sunday (as the assessor, or as a learner on it), cancelled ones
    marked: two queries, only for assessors and learners (None for anyone else: no section)."""
    registrations = active_registrations_of(user)
    if not roles.get(Role.ASSESSOR):
        if not registrations:
            return None
        if not any_flag(registrations, "has_visits_from_this_week"):
            return []
    today = timezone.localdate()
    start = today - dt.timedelta(days=today.weekday())
    ids = Visit.objects.filter(Q(assessor=user) | Q(registrations__learner=user), date__gte=start).filter(
        date__lte=start + dt.timedelta(days=6)
    )
    return list(
        Visit.objects.filter(pk__in=ids.values("pk"))
        .prefetch_related("registrations__learner")
        .order_by("date", "starts_at", "pk")[:VISITS_SHOWN]
    )
