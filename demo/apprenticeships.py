"""Demo apprenticeship (see `manage.py seed_demo`), made through the apprenticeship services: Jacob Evans
(learner3, 603/4687/5) is an apprentice with Harbour Hotels (employer contact employer@harbour.example):

- his training plan signed by him, his assessor and the employer (through the one-time link);
- off-the-job training entries, one verified, and one refused (English and maths) with its reason on the OTJ page;
- a first progress review signed by all three (the employer through the link), which set the next review date:
  that next review is now overdue and flagged on the assessor's and the admin's home pages;
- a two-week break in learning, ended, which moved the next review on by its length.

Idempotent: an apprenticeship that exists is left alone."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apprenticeships.models import Apprenticeship
from apprenticeships.services.links import send_employer_link
from apprenticeships.services.otj_log import OtjRefused, record_otj_entry, verify_otj_entry
from apprenticeships.services.reviews import record_review
from apprenticeships.services.setup import end_break, record_break, set_up_apprenticeship
from apprenticeships.services.signing import sign_review, sign_training_plan, sign_with_employer_link
from demo.people import demo_user

LEARNER = "learner3@northgate.example"
ASSESSOR = "assessor@northgate.example"
ADMIN = "admin@northgate.example"
EMPLOYER = "employer@harbour.example"
DEMO_IP = "192.0.2.10"

OTJ = [
    # days after the start, hours, activity, description
    (10, "3", "theory", "Induction workshop: the customer service standard and the organisation's service offer"),
    (24, "2", "practical", "Shadowed the front-desk supervisor handling complaints"),
    (45, "4", "theory", "Online module: data protection and customer records"),
    (75, "2.5", "self_study", "Directed reading on customer psychology, notes written up"),
    (130, "3", "practical", "Mentoring session: de-escalating a difficult customer, role play"),
]


def seed(context: dict) -> None:
    users = context["users"]
    registration = context["registrations"][LEARNER]
    if Apprenticeship.objects.filter(registration=registration).exists():
        _describe(context)
        return
    employer = demo_user(EMPLOYER, "Hannah Harbour", context["password"])
    assessor, admin, learner = users[ASSESSOR], users[ADMIN], users[LEARNER]
    start = registration.start_date
    apprenticeship = set_up_apprenticeship(
        actor=admin,
        registration=registration,
        employer_name="Harbour Hotels",
        contact_name=employer.full_name,
        contact_email=employer.email,
        workplace="Harbour Hotel, Quay Street, Northgate",
        standard_reference="ST0072",
        standard_title="Customer service practitioner",
        standard_level=2,
        typical_duration_months=12,
        planned_start=start,
        planned_end=start + dt.timedelta(days=400),
        practical_period_start=start,
        practical_period_end=start + dt.timedelta(days=365),
        planned_otj_hours=Decimal("280"),
        prior_learning_reduction_hours=Decimal("20"),
        prior_learning_reason="Level 2 Award in customer service already held (RPL): induction content shortened.",
    )
    plan = apprenticeship.training_plans.get()
    for actor, role in ((learner, "learner"), (assessor, "provider")):
        sign_training_plan(actor=actor, plan=plan, role=role, content_hash=plan.content_hash, ip_address=DEMO_IP)
    _link, token = send_employer_link(actor=assessor, training_plan=plan)
    sign_with_employer_link(token=token, signed_name=employer.full_name, confirm=True, ip_address=DEMO_IP)

    entries = []
    for days, hours, activity, description in OTJ:
        entries.append(
            record_otj_entry(
                actor=learner,
                apprenticeship=apprenticeship,
                date=start + dt.timedelta(days=days),
                hours=Decimal(hours),
                activity_type=activity,
                description=description,
                new_learning=True,
                relevant_to_standard=True,
                within_paid_hours=True,
            )
        )
    verify_otj_entry(actor=assessor, entry=entries[0])
    try:  # refused: English and maths never count; the refusal is kept in the history and shown on the OTJ page
        record_otj_entry(
            actor=learner,
            apprenticeship=apprenticeship,
            date=start + dt.timedelta(days=50),
            hours=Decimal("2"),
            activity_type="english_maths",
            description="Functional skills maths class",
            new_learning=True,
            relevant_to_standard=True,
            within_paid_hours=True,
        )
    except OtjRefused:
        pass

    review = apprenticeship.reviews.get()
    review = record_review(
        actor=assessor,
        review=review,
        held_on=start + dt.timedelta(days=84),
        targets_set="Collect product evidence for unit 3 (customer records); observation of a complaint by week 20.",
        targets_met="Induction complete; professional discussion on the organisation's service offer recorded.",
        english_maths="Maths: GCSE grade 4 evidenced (exempt). English: level 2 functional skills booked.",
        wellbeing="Settled in the team; no concerns raised.",
        safeguarding="Knows how to raise a concern; no safeguarding issues.",
        employer_comments="Jacob is confident with guests and reliable on shift.",
    )
    for actor, role in ((learner, "learner"), (assessor, "provider")):
        sign_review(actor=actor, review=review, role=role, content_hash=review.content_hash, ip_address=DEMO_IP)
    _link, token = send_employer_link(actor=assessor, review=review)
    sign_with_employer_link(token=token, signed_name=employer.full_name, confirm=True, ip_address=DEMO_IP)

    today = timezone.localdate()
    recorded = record_break(
        actor=assessor,
        apprenticeship=apprenticeship,
        starts_on=today - dt.timedelta(days=40),
        ends_on=None,
        reason="Sick leave (two weeks)",
    )
    end_break(actor=assessor, break_in_learning=recorded, ends_on=recorded.starts_on + dt.timedelta(days=13))
    _describe(context)


def _describe(context: dict) -> None:
    context["logins"].append((EMPLOYER, "Employer contact (Harbour Hotels): Jacob Evans's apprenticeship"))
    context.setdefault("tour", []).append(
        "Jacob Evans (learner3) is an apprentice with Harbour Hotels: his training plan and first progress review "
        "are signed by all three, one OTJ entry was refused (the reason is on his OTJ page), he had a break in "
        "learning, and his next review is overdue on assessor@northgate.example's and admin@northgate.example's home."
    )
