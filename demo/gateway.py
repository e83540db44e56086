"""Demo apprentice ready for the end-point assessment gateway (see `manage.py seed_demo`): Rhys Morgan (learner7,
603/4687/5, face-to-face) is near the end of his apprenticeship with Brightwell Retail (employer contact
employer@brightwell.example), and everything was done through the services, as his centre, employer and he would:

- every unit evidenced, judged and met (demo/evidence/portfolios.toml) and signed off by him and his assessor
  (demo.signoff);
- his training plan signed by all three, the employer through the one-time link;
- off-the-job training every nine days since he started, each entry verified by his assessor: the minimum is met;
- a progress review every 12 weeks, each signed by all three (the employer through the link); the next would fall
  after his planned end, so none is due;
- his English and maths evidence recorded, his employer's confirmation and his own declaration: the gateway
  checklist is complete;
- the gateway pack built by his assessor as a PDF and as a ZIP (the background job's work, run here at once): his
  gateway page offers both to download.

Northgate lets employer contacts see their apprentices' evidence, so Brightwell's contact can open his files.

Idempotent: an apprenticeship that exists is not set up again, and a pack is built only when none of that format is
kept (the upkeep task removes results after JOBS_KEEP_RESULTS_DAYS, so seeding again then builds it again)."""

import datetime as dt
from decimal import Decimal

from apprenticeships.models import Apprenticeship, CentreApprenticeshipSettings, OtjActivity, ProgressReview
from apprenticeships.services.gateway import confirm_by_employer, declare_by_learner, record_english_maths
from apprenticeships.services.links import send_employer_link
from apprenticeships.services.otj_log import record_otj_entry, verify_otj_entry
from apprenticeships.services.reviews import record_review
from apprenticeships.services.setup import set_up_apprenticeship
from apprenticeships.services.signing import sign_review, sign_training_plan, sign_with_employer_link
from centres.models import record_event
from demo.people import demo_user
from tracking.jobs import enqueue
from tracking.models import ExportJob

LEARNER = "learner7@northgate.example"
ADMIN = "admin@northgate.example"
EMPLOYER = "employer@brightwell.example"
EMPLOYER_NAME = "Nia Roberts"
DEMO_IP = "192.0.2.11"
PLANNED_DAYS = 395  # he started 380 days ago (demo.registrations): his planned end is a fortnight away
OTJ_HOURS = Decimal("280")
OTJ_EVERY_DAYS = 9
OTJ_ENTRY_HOURS = Decimal("7")

OTJ_ACTIVITIES = [
    (OtjActivity.THEORY, "Workshop at the training centre: the customer service standard and the customer journey"),
    (OtjActivity.PRACTICAL, "Shadowed the customer service manager handling escalated complaints"),
    (OtjActivity.SELF_STUDY, "Directed reading on consumer rights, with notes for the team"),
    (OtjActivity.THEORY, "Online module: data protection and customer records"),
    (OtjActivity.PRACTICAL, "Mentoring session: influencing a customer's choice without pressure, role play"),
    (OtjActivity.ASSIGNMENT, "Wrote up the product guide for new starters with the trainer's support"),
]

REVIEWS = [
    (
        "Evidence the customer, organisation and role units; first observation by week 24.",
        "Induction complete; professional discussion on his customers and organisation recorded.",
    ),
    (
        "Product evidence for the legislation and systems units; plan a complaint observation.",
        "Returns log and product guide accepted; observation at the tills done.",
    ),
    (
        "Reflective account on feedback and team working; start the equality unit.",
        "Complaint observed and accepted; development plan written.",
    ),
    (
        "Final professional discussion; prepare for the gateway and the end-point assessment.",
        "Every unit's evidence accepted; OTJ hours on plan.",
    ),
]


def _otj(learner, assessor, apprenticeship) -> None:
    start = apprenticeship.planned_start
    entries = int(OTJ_HOURS / OTJ_ENTRY_HOURS)
    for number in range(entries):
        activity, description = OTJ_ACTIVITIES[number % len(OTJ_ACTIVITIES)]
        entry = record_otj_entry(
            actor=learner,
            apprenticeship=apprenticeship,
            date=start + dt.timedelta(days=5 + number * OTJ_EVERY_DAYS),
            hours=OTJ_ENTRY_HOURS,
            activity_type=activity,
            description=description,
            new_learning=True,
            relevant_to_standard=True,
            within_paid_hours=True,
        )
        verify_otj_entry(actor=assessor, entry=entry)


def _reviews(learner, assessor, employer, apprenticeship) -> None:
    for targets_set, targets_met in REVIEWS:
        review = ProgressReview.objects.get(apprenticeship=apprenticeship, completed_at__isnull=True)
        review = record_review(
            actor=assessor,
            review=review,
            held_on=review.due_on,
            targets_set=targets_set,
            targets_met=targets_met,
            english_maths="Maths: GCSE grade 5 (exempt). English: GCSE grade 4 (exempt).",
            wellbeing="Happy in the team; no concerns raised.",
            safeguarding="Knows how to raise a concern; no safeguarding issues.",
            employer_comments="Rhys is reliable and our trade customers ask for him.",
        )
        for actor, role in ((learner, "learner"), (assessor, "provider")):
            sign_review(actor=actor, review=review, role=role, content_hash=review.content_hash, ip_address=DEMO_IP)
        _link, token = send_employer_link(actor=assessor, review=review)
        sign_with_employer_link(token=token, signed_name=employer.full_name, confirm=True, ip_address=DEMO_IP)


def _set_up(context: dict, registration, employer) -> Apprenticeship:
    users = context["users"]
    admin, assessor, learner = users[ADMIN], registration.assessor, registration.learner
    start = registration.start_date
    apprenticeship = set_up_apprenticeship(
        actor=admin,
        registration=registration,
        employer_name="Brightwell Retail",
        contact_name=employer.full_name,
        contact_email=employer.email,
        workplace="Brightwell Retail, Market Street, Northgate",
        standard_reference="ST0072",
        standard_title="Customer service practitioner",
        standard_level=2,
        typical_duration_months=12,
        planned_start=start,
        planned_end=start + dt.timedelta(days=PLANNED_DAYS),
        practical_period_start=start,
        practical_period_end=start + dt.timedelta(days=365),
        planned_otj_hours=OTJ_HOURS,
        prior_learning_reduction_hours=Decimal("0"),
        prior_learning_reason="",
    )
    plan = apprenticeship.training_plans.get()
    for actor, role in ((learner, "learner"), (assessor, "provider")):
        sign_training_plan(actor=actor, plan=plan, role=role, content_hash=plan.content_hash, ip_address=DEMO_IP)
    _link, token = send_employer_link(actor=assessor, training_plan=plan)
    sign_with_employer_link(token=token, signed_name=employer.full_name, confirm=True, ip_address=DEMO_IP)
    _otj(learner, assessor, apprenticeship)
    _reviews(learner, assessor, employer, apprenticeship)
    record_english_maths(
        actor=assessor,
        apprenticeship=apprenticeship,
        evidence="GCSE maths grade 5 and GCSE English grade 4 (2019): certificates seen and copied.",
    )
    confirm_by_employer(actor=employer, apprenticeship=apprenticeship, ip_address=DEMO_IP)
    declare_by_learner(actor=learner, apprenticeship=apprenticeship, ip_address=DEMO_IP)
    return apprenticeship


def _employers_see_evidence(context: dict, centre) -> None:
    settings, _created = CentreApprenticeshipSettings.objects.get_or_create(centre=centre)
    if settings.employers_see_evidence:
        return
    settings.employers_see_evidence = True
    settings.save(update_fields=["employers_see_evidence"])
    record_event(
        action="apprenticeship.settings_changed",
        obj=settings,
        actor=context["users"][ADMIN],
        centre=centre,
        summary="Apprenticeship settings changed",
        review_interval_weeks=settings.review_interval_weeks,
        otj_behind_margin_percent=settings.otj_behind_margin_percent,
        employers_see_evidence=True,
    )


def _packs(context: dict, registration) -> None:
    """The gateway pack as a PDF and as a ZIP, built by his assessor unless one of that format is kept."""
    for kind in ("pdf", "zip"):
        kept = (
            ExportJob.objects.filter(
                kind="gateway_pack",
                status=ExportJob.Status.DONE,
                params__registration_id=registration.pk,
                params__format=kind,
            )
            .exclude(result="")
            .exists()
        )
        if kept:
            continue
        export_job = enqueue(
            "gateway_pack",
            user=registration.assessor,
            centre=registration.centre,
            params={"registration_id": registration.pk, "format": kind},
            runner="sync",
        )
        if export_job.result:
            context.setdefault("stored_files", []).append(export_job.result.name)
        if export_job.status != ExportJob.Status.DONE:
            raise RuntimeError(f"The demo gateway pack ({kind}) was not built: {export_job.message}")


def seed(context: dict) -> None:
    registration = context.get("registrations", {}).get(LEARNER)
    if registration is None:
        return
    employer = demo_user(EMPLOYER, EMPLOYER_NAME, context["password"])
    _employers_see_evidence(context, registration.centre)
    if not Apprenticeship.objects.filter(registration=registration).exists():
        _set_up(context, registration, employer)
    _packs(context, registration)
    context["logins"].append((EMPLOYER, "Employer contact (Brightwell Retail): Rhys Morgan's apprenticeship"))
    context.setdefault("tour", []).append(
        "Rhys Morgan (learner7) is ready for the end-point assessment gateway: every unit signed off, his OTJ "
        "minimum met with verified entries, four reviews signed by all three, English and maths recorded, his "
        "employer's confirmation and his declaration; his gateway page (assessor@northgate.example or "
        "admin@northgate.example) offers the gateway pack as a PDF and a ZIP. Employer contacts may open their "
        "apprentices' evidence files at Northgate (employer@brightwell.example)."
    )
