"""Demo assessment plan and visits (see `manage.py seed_demo`), through the planning services:

- Liam Walsh (learner1) and his assessor have agreed and signed a plan of two activities, one of them overdue
  (its criterion has no accepted evidence yet), and he has two visits booked in the coming fortnight.

Idempotent: the plan is drawn up and signed once; a visit is booked again only when none is still to come.
"""

import datetime as dt

from django.utils import timezone

from planning.models import AssessmentPlan, PlanSignature, Visit
from planning.services.plans import ItemInput, allowed_criteria, create_plan, sign_plan, version_hash
from planning.services.visits import VisitInput, schedule_visit
from portfolio.models import EvidenceLink
from qualifications.models import AssessmentMethod

LEARNER = "learner1@northgate.example"
PLAN_TITLE = "Plan to the end of the unit"
VISITS = [
    (3, dt.time(10, 0), dt.time(11, 30), "Observe complaint handling on the shop floor", "Northgate Store, Leeds", ""),
    (10, dt.time(14, 0), dt.time(15, 0), "Professional discussion", "", "https://meet.example.org/northgate-demo"),
]


def _plan(registration) -> None:
    plan = AssessmentPlan.objects.filter(registration=registration, title=PLAN_TITLE).first()
    if plan is None:
        covered = EvidenceLink.objects.counting().filter(evidence__registration=registration).values("criterion_id")
        open_criteria = list(allowed_criteria(registration).exclude(pk__in=covered).order_by("unit__reference", "id"))
        if len(open_criteria) < 2:
            return
        methods = {m.code: m.pk for m in AssessmentMethod.objects.filter(code__in=["Obs", "PD", "RA"])}
        today = timezone.localdate()
        version = create_plan(
            registration=registration,
            user=registration.assessor,
            title=PLAN_TITLE,
            notes="Agreed at the review meeting.",
            items=[
                ItemInput(
                    activity="Write a reflective account of a difficult customer conversation",
                    criterion_ids=[open_criteria[0].pk],
                    method_ids=[methods["RA"]],
                    recorded_by="learner",
                    due_on=today - dt.timedelta(days=5),
                ),
                ItemInput(
                    activity="Observation of complaint handling, then a professional discussion",
                    criterion_ids=[c.pk for c in open_criteria[1:3]],
                    method_ids=[methods["Obs"], methods["PD"]],
                    recorded_by="assessor",
                    due_on=today + dt.timedelta(days=21),
                ),
            ],
        )
        plan = version.plan
    version = plan.versions.get(is_current=True)
    signed = set(PlanSignature.objects.filter(version=version).values_list("role", flat=True))
    for user, role in ((registration.learner, "learner"), (registration.assessor, "assessor")):
        if role not in signed:
            sign_plan(version=version, user=user, expected_hash=version_hash(version), user_agent="Demo data")


def _visits(registration) -> None:
    today = timezone.localdate()
    plan_item_ids = list(
        registration.assessment_plans.filter(title=PLAN_TITLE, versions__is_current=True).values_list(
            "versions__items__pk", flat=True
        )
    )
    for days, starts, ends, purpose, place, link in VISITS:
        if Visit.objects.live().filter(registrations=registration, purpose=purpose, date__gte=today).exists():
            continue
        schedule_visit(
            user=registration.assessor,
            data=VisitInput(
                date=today + dt.timedelta(days=days),
                starts_at=starts,
                ends_at=ends,
                purpose=purpose,
                place=place,
                meeting_link=link,
                registration_ids=[registration.pk],
                plan_item_ids=[pk for pk in plan_item_ids if pk][-1:],
            ),
        )


def seed(context: dict) -> None:
    registration = context.get("registrations", {}).get(LEARNER)
    if registration is None:
        return
    _plan(registration)
    _visits(registration)
    context.setdefault("tour", []).append(
        "Liam Walsh (learner1): a signed assessment plan with an overdue activity, and visits booked "
        "(his home page and his assessor's calendar)."
    )
