"""Apprenticeships for tests, set up through the service as a centre admin would."""

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from apprenticeships.services.otj_log import record_otj_entry
from apprenticeships.services.reviews import record_review
from apprenticeships.services.setup import set_up_apprenticeship
from tests.factories import DIPLOMA_SKILLS, make_registration


def details(**overrides) -> dict:
    today = timezone.localdate()
    start = overrides.pop("planned_start", today - dt.timedelta(days=120))
    values = {
        "employer_name": "Harbour Hotels",
        "contact_name": "Erin Employer",
        "contact_email": "erin@harbour.test",
        "workplace": "Harbour Hotel, Quay Street",
        "standard_reference": "ST0072",
        "standard_title": "Customer service practitioner",
        "standard_level": 2,
        "typical_duration_months": 12,
        "planned_start": start,
        "planned_end": start + dt.timedelta(days=400),
        "practical_period_start": start,
        "practical_period_end": start + dt.timedelta(days=365),
        "planned_otj_hours": Decimal("280"),
        "prior_learning_reduction_hours": Decimal("0"),
        "prior_learning_reason": "",
    }
    values.update(overrides)
    return values


def make_apprenticeship(world, registration=None, **overrides):
    registration = registration or world.registration
    return set_up_apprenticeship(actor=world.admin, registration=registration, **details(**overrides))


def make_apprentice_registration(world, learner=None, **extra):
    return make_registration(
        world.centre,
        learner,
        assessor=world.assessor,
        iqa=world.iqa,
        qualification=DIPLOMA_SKILLS,
        pathway="face-to-face",
        **extra,
    )


IP = "203.0.113.9"


def _otj(world, apprenticeship, actor=None, **changes):
    values = {
        "date": timezone.localdate() - dt.timedelta(days=2),
        "hours": Decimal("3"),
        "activity_type": "theory",
        "description": "Workshop on handling complaints",
        "new_learning": True,
        "relevant_to_standard": True,
        "within_paid_hours": True,
    }
    return record_otj_entry(actor=actor or world.learner, apprenticeship=apprenticeship, **(values | changes))


def _review(world, apprenticeship):
    review = apprenticeship.reviews.get()
    return record_review(
        actor=world.assessor,
        review=review,
        held_on=timezone.localdate(),
        targets_set="Complete unit 3 evidence",
        targets_met="Unit 2 observation done",
        english_maths="Level 2 maths exempt (GCSE grade 5)",
        wellbeing="Settled at work",
        safeguarding="No concerns",
        employer_comments="Good with customers",
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
