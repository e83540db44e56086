"""Apprentices for the benchmark (issue 16), added with bulk inserts to a centre built by benchmarks.data: one
learner in ten is an apprentice (the same Certificate registration, with apprenticeship details on it), ten
apprentices to an employer with one signed-in contact each, a training plan signed by all three, twenty OTJ entries
(half verified) and three progress reviews (one held and signed by all three, one overdue, one to come).

The measured apprentice is learner 5 (assessor 0's caseload) and the measured employer contact the first
employer's, with ten apprentices at every size: only the tables around them grow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from centres.models import User
from portfolio.models import Registration
from qualifications.models import AssessmentCriterion

from .data import BENCH_PASSWORD, BenchCentre, _bulk, _ids

APPRENTICE_EVERY = 10  # one learner in ten
APPRENTICES_PER_EMPLOYER = 10
OTJ_ENTRIES = 20  # every fourth day over the last eighty days
PLANNED_OTJ_HOURS = Decimal("187.5")


def add_apprentices(bench: BenchCentre) -> None:
    from apprenticeships.models import (
        Apprenticeship,
        CentreApprenticeshipSettings,
        Employer,
        EmployerContact,
        OtjActivity,
        OtjEntry,
        ProgressReview,
        Signature,
        SignatureRole,
        TrainingPlan,
    )
    from apprenticeships.services import content_hash
    from apprenticeships.services.reviews import review_content
    from apprenticeships.services.setup import plan_content

    rows, today, now = bench.rows, timezone.localdate(), timezone.now()
    registrations = list(
        Registration.objects.filter(centre_id=bench.centre_id, learner__email__startswith="learner")
        .order_by("pk")
        .values_list("pk", "start_date", "planned_end_date", "assessor_id")
    )
    first = min(5, len(registrations) - 1)  # learner 0 stays a plain learner whenever the centre has more
    apprentices = registrations[first::APPRENTICE_EVERY]
    CentreApprenticeshipSettings.objects.create(centre_id=bench.centre_id)
    employer_count = -(-len(apprentices) // APPRENTICES_PER_EMPLOYER)
    _bulk(
        Employer,
        [Employer(centre_id=bench.centre_id, name=f"Employer {n:04d} Ltd") for n in range(employer_count)],
        rows,
    )
    employer_ids = _ids(Employer, centre_id=bench.centre_id)
    password = make_password(BENCH_PASSWORD)
    _bulk(
        User,
        [User(email=f"employer{n:04d}@bench.test", full_name=f"Employer Contact {n:04d}", password=password)
         for n in range(employer_count)],
        rows,
    )  # fmt: skip
    contact_users = _ids(User, email__startswith="employer", email__endswith="@bench.test")
    _bulk(
        EmployerContact,
        [EmployerContact(employer_id=e, user_id=u) for e, u in zip(employer_ids, contact_users, strict=True)],
        rows,
    )
    contact_of = dict(EmployerContact.objects.filter(employer_id__in=employer_ids).values_list("employer_id", "pk"))
    _bulk(
        Apprenticeship,
        [
            Apprenticeship(
                registration_id=pk,
                standard_reference="ST0072",
                standard_title="Customer service practitioner",
                standard_level=2,
                typical_duration_months=12,
                employer_id=employer_ids[n // APPRENTICES_PER_EMPLOYER],
                employer_contact_id=contact_of[employer_ids[n // APPRENTICES_PER_EMPLOYER]],
                workplace="Front desk",
                planned_start=start,
                planned_end=end,
                practical_period_start=start,
                practical_period_end=end - dt.timedelta(days=90),
                planned_otj_hours=PLANNED_OTJ_HOURS,
            )
            for n, (pk, start, end, _) in enumerate(apprentices)
        ],
        rows,
    )
    apprenticeships = list(
        Apprenticeship.objects.filter(registration__centre_id=bench.centre_id)
        .select_related("registration__learner", "registration__centre", "registration__qualification", "employer")
        .select_related("employer_contact__user", "registration__assessor")
        .order_by("pk")
    )
    _bulk(
        TrainingPlan,
        [
            TrainingPlan(apprenticeship=a, employer_id=a.employer_id, content=c, content_hash=content_hash(c))
            for a in apprenticeships
            for c in [plan_content(a)]
        ],
        rows,
    )
    plans = dict(TrainingPlan.objects.filter(apprenticeship__in=apprenticeships).values_list("apprenticeship_id", "pk"))
    plan_hashes = dict(TrainingPlan.objects.filter(pk__in=plans.values()).values_list("pk", "content_hash"))

    def three(**on) -> list:
        apprenticeship, signed = on.pop("apprenticeship"), on.pop("content_hash")
        registration = apprenticeship.registration
        return [
            Signature(role=role, user=user, signed_name=user.full_name, content_hash=signed, **on)
            for role, user in (
                (SignatureRole.LEARNER, registration.learner),
                (SignatureRole.PROVIDER, registration.assessor),
                (SignatureRole.EMPLOYER, apprenticeship.employer_contact.user),
            )
        ]

    signatures = []
    for a in apprenticeships:
        signatures += three(apprenticeship=a, training_plan_id=plans[a.pk], content_hash=plan_hashes[plans[a.pk]])

    criteria = list(AssessmentCriterion.objects.filter(unit_id=bench.unit_id).values_list("pk", flat=True))
    kinds = [OtjActivity.THEORY, OtjActivity.PRACTICAL, OtjActivity.ASSIGNMENT, OtjActivity.SELF_STUDY]
    entries = [
        OtjEntry(
            apprenticeship=a,
            date=today - dt.timedelta(days=4 * (n + 1)),
            hours=Decimal("3.5"),
            activity_type=kinds[n % len(kinds)],
            description="Workshop on handling customer complaints, with notes written up afterwards.",
            recorded_by_id=a.registration.learner_id,
            verified_by_id=a.registration.assessor_id if n % 2 else None,
            verified_at=now if n % 2 else None,
        )
        for a in apprenticeships
        for n in range(OTJ_ENTRIES)
    ]
    _bulk(OtjEntry, entries, rows)
    entry_ids = _ids(OtjEntry, apprenticeship__registration__centre_id=bench.centre_id)
    through = OtjEntry.criteria.through
    _bulk(
        through,
        [through(otjentry_id=pk, assessmentcriterion_id=criteria[n % len(criteria)]) for n, pk in enumerate(entry_ids)],
        rows,
    )

    def assessor_of(apprenticeship) -> int:
        return apprenticeship.registration.assessor_id

    reviews = []
    for a in apprenticeships:
        reviews += [
            ProgressReview(
                apprenticeship=a, due_on=today - dt.timedelta(days=60), held_on=today - dt.timedelta(days=58),
                criteria_met=20, otj_hours=Decimal("28.0"), targets_set="Complete unit 1's observation.",
                targets_met="Product evidence for unit 2.", english_maths="Functional skills maths booked.",
                wellbeing="No concerns.", safeguarding="No concerns.", employer_comments="Good progress.",
                next_review_on=today - dt.timedelta(days=5), completed_at=now, created_by_id=a.registration.assessor_id,
            ),
            ProgressReview(apprenticeship=a, due_on=today - dt.timedelta(days=5), created_by_id=assessor_of(a)),
            ProgressReview(apprenticeship=a, due_on=today + dt.timedelta(days=80), created_by_id=assessor_of(a)),
        ]  # fmt: skip
    _bulk(ProgressReview, reviews, rows)
    held = list(
        ProgressReview.objects.filter(apprenticeship__in=apprenticeships, held_on__isnull=False)
        .select_related("apprenticeship")
        .order_by("pk")
    )
    by_pk = {a.pk: a for a in apprenticeships}
    for review in held:
        review.content_hash = content_hash(review_content(review))
    ProgressReview.objects.bulk_update(held, ["content_hash"], batch_size=2000)
    for review in held:
        signatures += three(
            apprenticeship=by_pk[review.apprenticeship_id], review=review, content_hash=review.content_hash
        )
    _bulk(Signature, signatures, rows)

    measured = next(a for a in apprenticeships if a.registration_id == apprentices[0][0])
    bench.apprentice_registration_id = measured.registration_id
    bench.apprentice_id = measured.registration.learner_id
    bench.apprenticeship_id = measured.pk
    bench.employer_contact_id = measured.employer_contact.user_id
