"""Demo quality assurance (see `manage.py seed_demo`), made through the quality services:

- Northgate's IQA has a sampling plan for the current period for each qualification Northgate's learners are on,
  with each assessor's rate from their risk;
- one interim sample of work in progress, agreed with an action for the assessor;
- a summative sample of Grace Patel's (learner4) signed-off units that agrees, so the IQA signs both sheets and
  she is ready for her certification claim;
- learner1's whole registration, with its signed-off unit, is shared with the awarding body's EQA for 30 days,
  so the EQA can sign that sheet as EQS;
- a finished standardisation activity: Northgate's assessors of one qualification judged the same piece of a
  learner's evidence, differed on one criterion, and the IQA recorded the agreed outcomes, minutes and an action.

Idempotent: nothing is sampled or shared twice."""

import datetime as dt

from django.utils import timezone

from centres.models import Role
from portfolio.models import EqaShare, Registration
from quality.forms import academic_year
from quality.models import (
    AgreedOutcome,
    Outcome,
    RecordChecked,
    SampleKind,
    SampleRecord,
    SamplingPlan,
    StandardisationActivity,
    Verdict,
)
from quality.services.eqa import ShareItemInput, share_with_eqa
from quality.services.plans import create_plan
from quality.services.samples import ActionInput, record_sample, review_units
from quality.services.standardisation.activity import create_activity
from quality.services.standardisation.eligibility import evidence_to_standardise, qualification_assessors
from quality.services.standardisation.judging import JudgementInput, close_judging, submit_judgements
from quality.services.standardisation.review import OutcomeInput, add_action, close_activity, record_outcomes

IQA_EMAIL = "iqa@northgate.example"
ADMIN_EMAIL = "admin@northgate.example"
EQA_EMAIL = "eqa@awarding.example"
SHARED_LEARNER = "learner1@northgate.example"
READY_LEARNER = "learner4@northgate.example"
LOCATIONS = "Training centre, Northgate\nWorkplace: Brightwell Retail\nWorkplace: Harbour Housing contact centre"
SHARE_DAYS = 30
STANDARDISATION_TITLE = "Termly standardisation: judging customer feedback evidence"


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
    if SampleRecord.objects.filter(plan__in=plans, kind=SampleKind.INTERIM).exists():
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


def _summative_sample(context, plans, iqa) -> None:
    """Grace Patel's signed-off units, sampled in full (her assessor is a trainee: 100%) and agreed."""
    registration = context.get("registrations", {}).get(READY_LEARNER)
    if registration is None or registration.iqa_id != iqa.pk:
        return
    plan = next((plan for plan in plans if plan.qualification_id == registration.qualification_id), None)
    if plan is None or SampleRecord.objects.filter(registration=registration, kind=SampleKind.SUMMATIVE).exists():
        return
    reviews = [
        review
        for review in review_units(registration=registration, kind=SampleKind.SUMMATIVE, iqa=iqa)
        if review.eligible and review.open_items
    ]
    if not reviews:
        return
    record_sample(
        actor=iqa,
        plan=plan,
        registration=registration,
        kind=SampleKind.SUMMATIVE,
        unit_ids=[review.unit.pk for review in reviews],
        outcomes={item.key: Outcome.AGREE for review in reviews for item in review.open_items},
        location="Workplace: Brightwell Retail",
        records_checked=[
            RecordChecked.IDENTITY,
            RecordChecked.DECLARATIONS,
            RecordChecked.TRACKING_SHEET,
            RecordChecked.COUNTERSIGNATURES,
        ],
        feedback=(
            "Every decision is supported by valid, authentic, current and sufficient evidence, and each of "
            "the trainee's decisions was countersigned. The tracking sheets are complete and signed."
        ),
    )


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


def _standardisation(context, plans, iqa) -> None:
    """Two assessors of a qualification judge the same evidence; one is unsure of a criterion; the IQA closes judging,
    records the agreed outcomes and minutes, sets that assessor an action and closes the record. The qualification of
    the learner shared with the EQA comes first, so that the EQA sees the record."""
    if any(
        StandardisationActivity.objects.filter(centre_id=plan.centre_id, title=STANDARDISATION_TITLE).exists()
        for plan in plans
    ):
        return
    shared = context.get("registrations", {}).get(SHARED_LEARNER)
    for plan in sorted(plans, key=lambda plan: shared is None or plan.qualification_id != shared.qualification_id):
        assessors = list(qualification_assessors(plan.centre, plan.qualification)[:2])
        evidence = next(
            (item for item in evidence_to_standardise(plan.centre, plan.qualification) if item.links.exists()), None
        )
        if len(assessors) < 2 or evidence is None:
            continue
        unit = evidence.links.select_related("criterion__unit").order_by("criterion__order").first().criterion.unit
        criteria = list(unit.criteria.order_by("order")[:3])
        activity = create_activity(
            actor=iqa,
            centre=plan.centre,
            qualification=plan.qualification,
            unit=unit,
            title=STANDARDISATION_TITLE,
            criteria=criteria,
            assessors=assessors,
            evidence=evidence,
        )
        items = list(activity.criteria.order_by("criterion__order"))
        first, second = assessors
        submit_judgements(
            actor=first,
            activity=activity,
            judgements={
                item.pk: JudgementInput(Verdict.MET, "The learner's account and the manager's note both show it.")
                for item in items
            },
        )
        submit_judgements(
            actor=second,
            activity=activity,
            judgements={
                item.pk: JudgementInput(
                    Verdict.NOT_SURE if index == len(items) - 1 else Verdict.MET,
                    "Only one customer interaction is described: is that sufficient?"
                    if index == len(items) - 1
                    else "Clearly shown in the learner's own words.",
                )
                for index, item in enumerate(items)
            },
        )
        close_judging(actor=iqa, activity=activity)
        record_outcomes(
            actor=iqa,
            activity=activity,
            outcomes={
                item.pk: OutcomeInput(
                    AgreedOutcome.MET,
                    "Met: the unit's guidance asks for the learner to show it, not for a number of customers."
                    if index == len(items) - 1
                    else "Met: the evidence is valid, authentic, current and sufficient.",
                )
                for index, item in enumerate(items)
            },
            minutes=(
                f"Attended: {first}, {second}, {iqa} (IQA). Judgements agreed on all but the last criterion, where "
                f"{second} was unsure whether one interaction is sufficient. We read the unit's assessment guidance "
                "together and agreed that one well-evidenced interaction is sufficient unless the guidance sets a "
                "number."
            ),
        )
        add_action(
            actor=iqa,
            activity=activity,
            assessor=second,
            text="Read the unit's assessment guidance for each criterion before judging; bring one example next term.",
            due_on=timezone.localdate() + dt.timedelta(days=30),
        )
        close_activity(actor=iqa, activity=activity)
        return


def seed(context: dict) -> None:
    centre = context["centres"]["northgate"]
    iqa = context["users"][IQA_EMAIL]
    if not iqa.memberships.filter(centre=centre, role=Role.IQA, is_active=True).exists():
        return
    plans = _plans(centre, iqa)
    _interim_sample(plans, iqa)
    _summative_sample(context, plans, iqa)
    _share(context, centre)
    _standardisation(context, plans, iqa)
    tour = context.setdefault("tour", [])
    if SampleRecord.objects.filter(registration__learner__email=READY_LEARNER, kind=SampleKind.SUMMATIVE).exists():
        tour.append(
            "Grace Patel (learner4): both units signed off and sampled by the IQA: ready to claim on the "
            "certification page (admin@northgate.example)."
        )
    if StandardisationActivity.objects.filter(centre=centre, title=STANDARDISATION_TITLE).exists():
        tour.append(
            "A closed standardisation record (Standardisation, iqa@northgate.example): two assessors judged the same "
            "evidence, differed on one criterion, and the agreed outcome, minutes and an action are recorded; the "
            "EQA sees it on their home page."
        )
    if SHARED_LEARNER in context.get("registrations", {}):
        tour.append("Liam Walsh's portfolio is shared with eqa@awarding.example, who can sign that unit as EQS.")
