import datetime as dt

from planning.services.plans import ItemInput, create_plan
from planning.services.visits import VisitInput
from qualifications.models import AssessmentCriterion, AssessmentMethod


def criteria_of(registration, count: int = 2) -> list[AssessmentCriterion]:
    unit_ids = registration.plan.values("unit_id")
    return list(
        AssessmentCriterion.objects.filter(unit__in=unit_ids)
        .for_pathway(registration.pathway_id)
        .order_by("unit__reference", "id")[:count]
    )


def method(code: str = "Obs") -> AssessmentMethod:
    return AssessmentMethod.objects.get(code=code)


def item(criteria, *, due_on=None, activity="Observe a customer complaint", code="Obs") -> ItemInput:
    return ItemInput(
        activity=activity,
        criterion_ids=[c.pk for c in criteria],
        method_ids=[method(code).pk],
        recorded_by="assessor",
        due_on=due_on or dt.date.today() + dt.timedelta(days=14),
    )


def make_plan(registration, items=None, title="First plan"):
    criteria = criteria_of(registration, 2)
    items = items or [item(criteria[:1]), item(criteria[1:2], activity="Write a reflective account", code="RA")]
    return create_plan(registration=registration, user=registration.assessor, title=title, items=items)


# The day visits are booked for: far enough ahead to be "upcoming".
DAY = dt.date.today() + dt.timedelta(days=2)


def visit_input(*registrations, **extra) -> VisitInput:
    values = {
        "date": DAY,
        "starts_at": dt.time(10, 0),
        "ends_at": dt.time(11, 30),
        "purpose": "Observe handling a complaint",
        "place": "Northgate Store, Leeds",
        "registration_ids": [r.pk for r in registrations],
    }
    values.update(extra)
    return VisitInput(**values)
