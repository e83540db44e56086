"""Home-page panels of planning: each person's visits after this week, and the ways to their plans and calendar.
The to-dos (overdue plan activities, plans to sign) and this week's visits are in "Waiting for you"
(dashboard/waiting.py), so nothing is listed twice."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from centres.models import Role
from core.compiled import CompiledRead
from portfolio.progress import active_registrations_of

from .models import PlanItem, PlanSignature, PlanSignatureRole, PlanVersion, Visit
from .selectors import upcoming_visits_of_learner

LATER_VISITS_SHOWN = 5


def _end_of_this_week() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=6 - today.weekday())


def _visit_entries(visits, *, with_learners: bool) -> list[dict]:
    entries = []
    for visit in visits:
        if visit.is_cancelled:
            note = gettext("cancelled")
        elif with_learners:
            note = ", ".join(registration.learner.full_name for registration in visit.registrations.all())
        else:
            note = visit.where
        entries.append(
            {
                "url": reverse("planning:visit-detail", args=[visit.pk]),
                "label": f"{date_format(visit.date, 'D j M')} {visit.starts_at:%H:%M}: {visit.purpose}",
                "note": note,
            }
        )
    return entries


def _learner_panel(user) -> dict | None:
    # Read once for every panel of the home page (portfolio.progress.sharing_unit_statuses).
    registrations = active_registrations_of(user)
    if not registrations:
        return None
    has_visits = any_flag(registrations, "has_visits_from_this_week")
    visits = upcoming_visits_of_learner(user, after=_end_of_this_week()) if has_visits else []
    return {
        "template": "planning/_panel.html",
        "order": 16,
        "id": "visits-learner",
        "title": gettext("Your visits after this week"),
        "items": _visit_entries(visits, with_learners=False),
        "empty": gettext("No later visits are booked."),
        "links": [
            *(
                (reverse("planning:registration-plans", args=[registration.pk]), gettext("Your assessment plans"))
                for registration in registrations
            ),
            (reverse("planning:feed"), gettext("Add your visits to your own calendar")),
        ],
    }


# SQL built once per process (core.compiled); the prefetch's own queries Django builds as it always does.
_later_visits = CompiledRead(
    lambda limit, assessor_id, after: (
        Visit.objects.filter(assessor_id=assessor_id, date__gt=after)
        .prefetch_related("registrations__learner")
        .order_by("date", "starts_at", "pk")[:limit]
    )
)


def _assessor_panel(user) -> dict:
    visits = _later_visits(LATER_VISITS_SHOWN, assessor_id=user.pk, after=_end_of_this_week())
    return {
        "template": "planning/_panel.html",
        "order": 15,
        "id": "visits-assessor",
        "title": gettext("Your visits after this week"),
        "items": _visit_entries(visits, with_learners=True),
        "empty": gettext("No later visits are booked."),
        "links": [
            (reverse("planning:calendar"), gettext("Your calendar")),
            (reverse("planning:visit-create"), gettext("Schedule a visit")),
        ],
    }


def panels(user, roles) -> list[dict]:
    """What is not a to-do: the visits after this week and the ways to plans and the calendar. Overdue plan
    activities, plans to sign and this week's visits are listed once, in "Waiting for you" (dashboard/waiting.py)."""
    result = []
    learner_panel = _learner_panel(user)
    if learner_panel is not None:
        result.append(learner_panel)
    if roles.get(Role.ASSESSOR):
        result.append(_assessor_panel(user))
    return result


def registration_planning_flags(today: dt.date, monday: dt.date) -> dict:
    """For portfolio.progress.active_registrations_of (read once for the home page): whether each registration may
    have overdue plan activities (due before `today`), a current plan version the learner has not signed, and visits
    from this week (`monday`) on. A learner's home page with none of these asks nothing more of planning."""
    learner_signed = PlanSignature.objects.filter(version=OuterRef("pk"), role=PlanSignatureRole.LEARNER)
    return {
        "has_overdue_plan_items": Exists(
            PlanItem.objects.filter(
                version__is_current=True, version__plan__registration=OuterRef("pk"), due_on__lt=today
            )
        ),
        "has_plan_to_sign": Exists(
            PlanVersion.objects.filter(is_current=True, plan__registration=OuterRef("pk")).exclude(
                Exists(learner_signed)
            )
        ),
        "has_visits_from_this_week": Exists(Visit.objects.filter(registrations=OuterRef("pk"), date__gte=monday)),
    }


def any_flag(registrations, name: str) -> bool:
    return any(getattr(registration, name, True) for registration in registrations)
