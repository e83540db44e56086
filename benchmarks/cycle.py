"""The assessment cycle's data for the benchmark (issue 15), added to a centre built by benchmarks.data with bulk
inserts: an assessment plan signed by learner and assessor for every learner, a diary of visits for every assessor,
a trainee assessor whose decisions wait for the measured assessor's countersignature, and an EQA linked to the
centre.

As in benchmarks.data, every learner and assessor has the same shape of work at every size: the plan of learner
0, the visits of assessor 0 and the trainee's five learners are the same at 100 and 10,000 learners."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from centres.models import CompetenceStatus, EqaLink, Membership, Role, User
from portfolio.models import CriterionDecision, Evidence, EvidenceLink, Registration, RegistrationUnit
from qualifications.models import AssessmentCriterion, AssessmentMethod

from .data import BENCH_PASSWORD, BenchCentre, _bulk, _ids

VISIT_EVERY_DAYS = 2  # each assessor's diary: a visit every other day ...
VISIT_DAYS = range(-28, 36)  # ... from four weeks ago to five weeks ahead (so every month view holds some)
TRAINEE_LEARNERS = 5


def add_cycle(bench: BenchCentre) -> None:
    """Plans, visits, the trainee assessor and the EQA; their ids land on `bench`."""
    from django.contrib.auth.hashers import make_password

    password = make_password(BENCH_PASSWORD)
    registrations = list(
        Registration.objects.filter(centre_id=bench.centre_id, learner__email__startswith="learner")
        .order_by("pk")
        .values_list("pk", "learner_id", "assessor_id")
    )
    bench.assessment_plan_id = _plans(bench, registrations)
    _visits(bench, registrations)
    bench.trainee_id = _trainee(bench, password)
    eqa = User.objects.create(email="eqa@bench.test", full_name="Bench EQA", password=password)
    EqaLink.objects.create(user=eqa, centre_id=bench.centre_id)
    bench.eqa_id = eqa.pk
    bench.rows["EqaLink"] = 1


def _plans(bench: BenchCentre, registrations) -> int:
    """Every learner's plan: version 1 with four activities (two already covered by accepted evidence, one waiting
    for the assessor, one overdue and not started), signed by the learner and the assessor. The first plan is
    drawn up through the service; the others copy its items, and each signature holds its version's real hash
    (the content differs between plans only in the plan's and the registration's ids)."""
    from core.hashing import content_hash
    from planning.models import AssessmentPlan, PlanItem, PlanSignature, PlanSignatureRole, PlanVersion
    from planning.services.plans import ItemInput, create_plan, version_content

    today = timezone.localdate()
    first_pk, learner_pk, assessor_pk = registrations[0]
    registration = Registration.objects.select_related("centre").get(pk=first_pk)
    unit_ids = list(
        RegistrationUnit.objects.filter(registration_id=first_pk)
        .order_by("-unit__reference")
        .values_list("unit_id", flat=True)
    )
    criteria = {
        u: list(
            AssessmentCriterion.objects.filter(unit_id=u)
            .order_by("learning_outcome__number", "id")
            .values_list("pk", flat=True)
        )
        for u in unit_ids
    }
    methods = dict(AssessmentMethod.objects.values_list("code", "pk"))
    unit1, unit2 = criteria[unit_ids[0]], criteria[unit_ids[1]]
    items = [
        ItemInput(
            "Observation of a customer conversation",
            unit1[:3],
            [methods["Obs"]],
            "assessor",
            today - dt.timedelta(days=30),
        ),
        ItemInput(
            "Reflective account of the service environment",
            unit2[:3],
            [methods["RA"]],
            "learner",
            today - dt.timedelta(days=20),
        ),
        ItemInput(
            "Team records as product evidence", unit2[14:17], [methods["PE"]], "learner", today + dt.timedelta(days=10)
        ),
        ItemInput(
            "Professional discussion on handling complaints",
            unit2[22:25],
            [methods["PD"]],
            "assessor",
            today - dt.timedelta(days=3),
        ),
    ]
    assessor = User.objects.get(pk=assessor_pk)
    version = create_plan(registration=registration, user=assessor, title="Unit plan, first term", items=items)
    template = version_content(version)
    rows = bench.rows
    plans = _bulk(
        AssessmentPlan,
        [AssessmentPlan(registration_id=r, title=template["title"], created_by_id=a) for r, _, a in registrations[1:]],
        rows,
    )
    plan_of = dict(
        AssessmentPlan.objects.filter(registration__centre_id=bench.centre_id).values_list("registration_id", "pk")
    )
    del plans
    _bulk(
        PlanVersion,
        [PlanVersion(plan_id=plan_of[r], number=1, created_by_id=a) for r, _, a in registrations[1:]],
        rows,
    )
    version_of = dict(
        PlanVersion.objects.filter(plan__registration__centre_id=bench.centre_id).values_list("plan_id", "pk")
    )
    template_items = list(version.items.prefetch_related("criteria", "methods").order_by("position"))
    _bulk(
        PlanItem,
        [
            PlanItem(version_id=version_of[plan_of[r]], position=item.position, activity=item.activity,
                     recorded_by=item.recorded_by, due_on=item.due_on)
            for r, _, _ in registrations[1:]
            for item in template_items
        ],
        rows,
    )  # fmt: skip
    item_ids = dict(
        ((version_pk, position), pk)
        for pk, version_pk, position in PlanItem.objects.filter(
            version__plan__registration__centre_id=bench.centre_id
        ).values_list("pk", "version_id", "position")
    )
    criteria_rows, method_rows = [], []
    for r, _, _ in registrations[1:]:  # the first plan's items have theirs already (made by the service)
        version_pk = version_of[plan_of[r]]
        for item in template_items:
            pk = item_ids[(version_pk, item.position)]
            criteria_rows += [
                PlanItem.criteria.through(planitem_id=pk, assessmentcriterion_id=c.pk) for c in item.criteria.all()
            ]
            method_rows += [
                PlanItem.methods.through(planitem_id=pk, assessmentmethod_id=m.pk) for m in item.methods.all()
            ]
    _bulk(PlanItem.criteria.through, criteria_rows, rows)
    _bulk(PlanItem.methods.through, method_rows, rows)
    people = {pk for _, learner, assessor in registrations for pk in (learner, assessor)}
    names = dict(User.objects.filter(pk__in=people).values_list("pk", "full_name"))
    now = timezone.now()
    signatures = []
    for r, learner, assessor_of in registrations:
        plan_pk = plan_of[r]
        signed_hash = content_hash({**template, "plan": plan_pk, "registration": r})
        for role, user_pk in ((PlanSignatureRole.LEARNER, learner), (PlanSignatureRole.ASSESSOR, assessor_of)):
            signatures.append(
                PlanSignature(version_id=version_of[plan_pk], role=role, user_id=user_pk,
                              name_at_signing=names[user_pk], signed_at=now, content_hash=signed_hash)
            )  # fmt: skip
    _bulk(PlanSignature, signatures, rows)
    return plan_of[first_pk]


def _visits(bench: BenchCentre, registrations) -> None:
    """Every assessor's diary: a visit every other day around today, each to the next learner of their caseload
    (an hour at the workplace); every twelfth one cancelled."""
    from planning.models import Visit

    today, now = timezone.localdate(), timezone.now()
    caseloads: dict[int, list[int]] = {}
    for registration_pk, _, assessor_pk in registrations:
        caseloads.setdefault(assessor_pk, []).append(registration_pk)
    visits, learners = [], []
    for assessor_pk, caseload in caseloads.items():
        for n, offset in enumerate(VISIT_DAYS[::VISIT_EVERY_DAYS]):
            cancelled = n % 12 == 11
            visits.append(
                Visit(
                    centre_id=bench.centre_id,
                    assessor_id=assessor_pk,
                    date=today + dt.timedelta(days=offset),
                    starts_at=dt.time(9 + n % 6),
                    ends_at=dt.time(10 + n % 6),
                    place="Workplace, customer service desk",
                    purpose="Observation and review of progress",
                    cancelled_at=now if cancelled else None,
                    cancelled_by_id=assessor_pk if cancelled else None,
                    cancel_reason="The learner is on leave." if cancelled else "",
                )
            )
            learners.append(caseload[n % len(caseload)])
    _bulk(Visit, visits, bench.rows)
    visit_ids = _ids(Visit, centre_id=bench.centre_id)
    through = Visit.registrations.through
    _bulk(
        through, [through(visit_id=v, registration_id=r) for v, r in zip(visit_ids, learners, strict=True)], bench.rows
    )


def _trainee(bench: BenchCentre, password: str) -> int:
    """A trainee assessor (working towards their award, countersigned by assessor 0) with five learners of their
    own, each with the first unit's criteria accepted and marked met, waiting for the countersignature."""
    from portfolio.models import CountersignStatus

    today, now = timezone.localdate(), timezone.now()
    registration = Registration.objects.select_related("qualification").get(pk=bench.registration_id)
    trainee = User.objects.create(email="trainee@bench.test", full_name="Trainee Assessor", password=password)
    Membership.objects.create(
        user=trainee,
        centre_id=bench.centre_id,
        role=Role.ASSESSOR,
        status=CompetenceStatus.WORKING_TOWARDS,
        countersignatory_id=bench.assessor_id,
    )
    unit_criteria = list(AssessmentCriterion.objects.filter(unit_id=bench.unit_id))
    awaiting = CountersignStatus.AWAITING
    for n in range(TRAINEE_LEARNERS):
        learner = User.objects.create(
            email=f"trainee-learner{n}@bench.test", full_name=f"Trainee's Learner {n}", password=password
        )
        own = Registration.objects.create(
            centre_id=bench.centre_id,
            learner=learner,
            qualification=registration.qualification,
            assessor=trainee,
            iqa_id=bench.iqa_id,
            date_of_birth=dt.date(2001, 5, 5),
            start_date=today - dt.timedelta(days=60),
            planned_end_date=today + dt.timedelta(days=300),
            next_evidence_reference=2,
            created_by_id=bench.admin_id,
        )
        RegistrationUnit.objects.bulk_create(
            [RegistrationUnit(registration=own, unit_id=u) for u in registration.plan.values_list("unit_id", flat=True)]
        )
        evidence = Evidence.objects.create(
            registration=own, reference=1, title="Observation of customer service", date=today - dt.timedelta(days=7),
            author=learner, status=Evidence.Status.SUBMITTED, submitted_at=now, declared_own_work_at=now,
        )  # fmt: skip
        EvidenceLink.objects.bulk_create(
            EvidenceLink(evidence=evidence, criterion=c, status=EvidenceLink.Status.ACCEPTED, judged_by=trainee,
                         judged_at=now, feedback="Met.", countersign_status=awaiting)
            for c in unit_criteria
        )  # fmt: skip
        CriterionDecision.objects.bulk_create(
            CriterionDecision(registration=own, criterion=c, met_on=today, decided_by=trainee,
                              countersign_status=awaiting)
            for c in unit_criteria
        )  # fmt: skip
    bench.rows["trainee learners"] = TRAINEE_LEARNERS
    return trainee.pk
