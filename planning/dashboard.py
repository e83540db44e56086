"""Home-page panels: overdue plan activities (for the learner and for their assessor) and upcoming visits."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from centres.models import Role
from portfolio.progress import active_registrations_of

from .models import PlanItem, PlanSignature, PlanSignatureRole, PlanVersion, Visit
from .selectors import overdue_items, upcoming_visits_of_learner


def _item_entries(rows, *, with_learner: bool) -> list[dict]:
    entries = []
    for row in rows:
        item = row.item
        learner = item.version.plan.registration.learner.full_name if with_learner else ""
        entries.append(
            {
                "url": reverse("planning:plan-detail", args=[item.version.plan_id]),
                "label": f"{learner}: {item.activity[:80]}" if learner else item.activity[:80],
                "note": gettext("due %(date)s") % {"date": date_format(item.due_on, "SHORT_DATE_FORMAT")},
            }
        )
    return entries


def _learner_panels(user) -> list[dict]:
    # Read once for every panel of the home page (portfolio.progress.sharing_unit_statuses).
    registrations = active_registrations_of(user)
    registration_ids = [registration.pk for registration in registrations]
    if not registration_ids:
        return []
    visits = upcoming_visits_of_learner(user) if any_flag(registrations, "has_visits_from_this_week") else []
    overdue = overdue_items(learner=user) if any_flag(registrations, "has_overdue_plan_items") else []
    return [
        {
            "template": "planning/_panel.html",
            "order": 15,
            "id": "plan-overdue-learner",
            "title": gettext("Overdue plan activities"),
            "items": _item_entries(overdue, with_learner=False),
            "empty": gettext("Nothing on your assessment plan is overdue."),
            "links": [
                (reverse("planning:registration-plans", args=[pk]), gettext("Your assessment plans"))
                for pk in registration_ids
            ],
        },
        {
            "template": "planning/_panel.html",
            "order": 16,
            "id": "visits-learner",
            "title": gettext("Your upcoming visits"),
            "items": [
                {
                    "url": reverse("planning:visit-detail", args=[visit.pk]),
                    "label": f"{date_format(visit.date, 'D j M')} {visit.starts_at:%H:%M}: {visit.purpose}",
                    "note": gettext("cancelled") if visit.is_cancelled else visit.where,
                }
                for visit in visits
            ],
            "empty": gettext("No visits are booked."),
            "links": [(reverse("planning:feed"), gettext("Add your visits to your own calendar"))],
        },
    ]


def _assessor_panel(user) -> dict:
    return {
        "template": "planning/_panel.html",
        "order": 15,
        "id": "plan-overdue-assessor",
        "title": gettext("Overdue plan activities of your learners"),
        "items": _item_entries(overdue_items(assessor=user), with_learner=True),
        "empty": gettext("None of your learners' plan activities is overdue."),
        "links": [
            (reverse("planning:calendar"), gettext("Your calendar")),
            (reverse("planning:visit-create"), gettext("Schedule a visit")),
        ],
    }


def panels(user, roles) -> list[dict]:
    result = _learner_panels(user)
    if roles.get(Role.ASSESSOR):
        result.append(_assessor_panel(user))
    return result


def registration_planning_flags() -> dict:
    """For portfolio.progress.active_registrations_of (read once for the home page): whether each registration may
    have overdue plan activities, a current plan version the learner has not signed, and visits from this week on.
    A learner's home page with none of these asks nothing more of planning."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
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
