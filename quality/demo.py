"""Demo quality assurance (see `manage.py seed_demo`): Northgate's IQA has a sampling plan for the current
period for each qualification Northgate's learners are on, with each assessor's rate from their risk; one
interim sample of work in progress, agreed with an action for the assessor; and learner1's registration is
shared with the awarding body's EQA for 30 days. Made through the quality services. Idempotent."""

import datetime as dt

from django.utils import timezone

from centres.models import Role
from portfolio.models import EqaShare, Registration

from .forms import academic_year
from .models import Outcome, RecordChecked, SampleKind, SampleRecord, SamplingPlan
from .services.eqa import ShareItemInput, share_with_eqa
from .services.plans import create_plan
from .services.samples import ActionInput, record_sample, review_units

IQA_EMAIL = "iqa@northgate.example"
ADMIN_EMAIL = "admin@northgate.example"
EQA_EMAIL = "eqa@awarding.example"
SHARED_LEARNER = "learner1@northgate.example"
LOCATIONS = "Training centre, Northgate\nWorkplace: Brightwell Retail\nWorkplace: Harbour Housing contact centre"
SHARE_DAYS = 30


def _plans(centre, iqa) -> list[SamplingPlan]:
    today = timezone.localdate()
    start, end = academic_year(today)
    plans = []
    qualifications = {
        registration.qualification
        for registration in Registration.objects.filter(centre=centre, iqa=iqa).select_related("qualification")
    }
    for qualification in sorted(qualifications, key=lambda q: q.number):
        plan = SamplingPlan.objects.covering(today).filter(centre=centre, qualification=qualification, iqa=iqa).first()
        if plan is None:
            plan = create_plan(
                actor=iqa,
                centre=centre,
                qualification=qualification,
                period_start=start,
                period_end=end,
                notes="Demo plan: weight new and trainee assessors; cover every method and workplace over the year.",
                locations=LOCATIONS,
            )
        plans.append(plan)
    return plans


def _interim_sample(plans, iqa) -> None:
    """One interim sample of the first learner with decisions in progress, agreed with an action."""
    if SampleRecord.objects.filter(plan__in=plans).exists():
        return
    for plan in plans:
        registrations = Registration.objects.filter(
            centre_id=plan.centre_id, qualification_id=plan.qualification_id, iqa=iqa
        ).select_related("learner", "assessor", "centre", "pathway")
        for registration in registrations.order_by("learner__email"):
            if registration.assessor_id == iqa.pk:
                continue
            for review in review_units(registration=registration, kind=SampleKind.INTERIM, iqa=iqa):
                if not review.eligible or not review.open_items:
                    continue
                items = review.open_items[:4]
                outcomes = {item.key: Outcome.AGREE for item in items}
                outcomes[items[0].key] = Outcome.AGREE_WITH_ACTIONS
                record_sample(
                    actor=iqa,
                    plan=plan,
                    registration=registration,
                    kind=SampleKind.INTERIM,
                    unit_ids=[review.unit.pk],
                    outcomes=outcomes,
                    comments={items[0].key: "Sound judgement; say which part of the evidence shows it."},
                    location="Workplace: Brightwell Retail",
                    records_checked=[RecordChecked.IDENTITY, RecordChecked.FEEDBACK],
                    feedback=(
                        "Decisions are valid and the evidence is authentic and current. Feedback to the learner "
                        "could point more clearly to where each criterion is shown."
                    ),
                    actions=[
                        ActionInput(
                            "Add a line of feedback to the learner on each accepted piece of evidence in this unit.",
                            timezone.localdate() + dt.timedelta(days=14),
                        )
                    ],
                )
                return


def _share(context, centre) -> None:
    users = context["users"]
    registration = context.get("registrations", {}).get(SHARED_LEARNER)
    eqa = users.get(EQA_EMAIL)
    if registration is None or eqa is None:
        return
    today = timezone.localdate()
    if EqaShare.objects.filter(
        centre=centre, eqa=eqa, revoked_at__isnull=True, ends_on__gte=today, items__registration=registration
    ).exists():
        return
    share_with_eqa(
        actor=users[ADMIN_EMAIL],
        centre=centre,
        eqa=eqa,
        starts_on=today,
        ends_on=today + dt.timedelta(days=SHARE_DAYS),
        items=[ShareItemInput(registration)],
        note="Demo share for the EQA visit: Liam Walsh's whole portfolio.",
    )


def seed(context: dict) -> None:
    centre = context["centres"]["northgate"]
    iqa = context["users"][IQA_EMAIL]
    if not iqa.memberships.filter(centre=centre, role=Role.IQA, is_active=True).exists():
        return
    plans = _plans(centre, iqa)
    _interim_sample(plans, iqa)
    _share(context, centre)
