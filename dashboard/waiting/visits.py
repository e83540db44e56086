"""The person's visits this week (the panel's calendar strip)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from centres.models import Role
from core.compiled import CompiledRead
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
    return _week_visits(user_id=user.pk, start=start, end=start + dt.timedelta(days=6))


def _week_visits_query(*, user_id: int, start, end):
    ids = Visit.objects.filter(Q(assessor_id=user_id) | Q(registrations__learner_id=user_id), date__gte=start).filter(
        date__lte=end
    )
    return (
        Visit.objects.filter(pk__in=ids.values("pk"))
        .prefetch_related("registrations__learner")
        .order_by("date", "starts_at", "pk")[:VISITS_SHOWN]
    )


_week_visits = CompiledRead(_week_visits_query)
