"""A synthetic centre for the benchmark, built with bulk inserts: learners on the Certificate in Customer Service
with three pieces of evidence each (two accepted and marked met, one waiting for the assessor), a third of them
with their first unit signed off, assessors with 40 learners each, IQAs with 200, an IQA sampling plan, and
registrations made for the PDF timings (a unit of about 20 criteria, a whole NVQ).

Every learner has the same shape of portfolio, so the pages measured for one learner, assessor or IQA hold the
same data at every size: only the size of the tables around them changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from centres.models import Centre, Membership, Role, User
from portfolio.models import (
    CriterionDecision,
    Evidence,
    EvidenceFile,
    EvidenceLink,
    Registration,
    RegistrationUnit,
)
from qualifications.models import AssessmentCriterion, AssessmentMethod, Qualification, QualificationUnit, Unit

BENCH_PASSWORD = "bench-pass-2026"
CERTIFICATE = "600/5472/4"
NVQ = "600/5469/4"
LEARNERS_PER_ASSESSOR = 40
LEARNERS_PER_IQA = 200
BATCH = 5000
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000157a4d2a70000000049454e44ae426082"
)


@dataclass
class BenchCentre:
    size: int
    centre_id: int = 0
    admin_id: int = 0
    learner_id: int = 0
    assessor_id: int = 0
    iqa_id: int = 0
    registration_id: int = 0
    evidence_id: int = 0
    unit_id: int = 0
    plan_id: int = 0
    pdf_registration_id: int = 0
    pdf_unit_id: int = 0
    pdf_unit_criteria: int = 0
    nvq_registration_id: int = 0
    nvq_criteria: int = 0
    # Added by benchmarks.cycle (issue 15), benchmarks.apprentices (issue 16) and benchmarks.portable (issue 17).
    assessment_plan_id: int = 0
    trainee_id: int = 0
    eqa_id: int = 0
    apprentice_registration_id: int = 0
    apprentice_id: int = 0
    apprenticeship_id: int = 0
    employer_contact_id: int = 0
    export_registration_id: int = 0
    rows: dict = field(default_factory=dict)

    def users(self) -> dict[str, int]:
        return {
            "learner": self.learner_id,
            "assessor": self.assessor_id,
            "iqa": self.iqa_id,
            "admin": self.admin_id,
        }

    def everyone(self) -> dict[str, int]:
        """Every role whose pages the benchmark times (a role not built at this run is left out)."""
        more = {
            "trainee assessor": self.trainee_id,
            "EQA": self.eqa_id,
            "apprentice": self.apprentice_id,
            "employer contact": self.employer_contact_id,
        }
        return self.users() | {who: pk for who, pk in more.items() if pk}


def _bulk(model, objects, counts: dict) -> list:
    created = []
    for start in range(0, len(objects), BATCH):
        created.extend(model.objects.bulk_create(objects[start : start + BATCH], batch_size=BATCH))
    counts[model.__name__] = counts.get(model.__name__, 0) + len(objects)
    return created


def _ids(model, **filters) -> list[int]:
    return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def build_centre(size: int, *, stored_file_name: str) -> BenchCentre:
    """Build the centre with `size` learners. `stored_file_name` is one small image already in storage that
    every evidence file row points at (the benchmark measures pages, not disks)."""
    counts: dict[str, int] = {}
    result = BenchCentre(size=size, rows=counts)
    today = timezone.localdate()
    now = timezone.now()
    password = make_password(BENCH_PASSWORD)
    qualification = Qualification.objects.get(number=CERTIFICATE)
    units = [m.unit for m in QualificationUnit.objects.filter(qualification=qualification).select_related("unit")]
    units.sort(key=lambda unit: unit.reference, reverse=True)  # J/600/1003 (32 criteria) first, then J/600/0658
    criteria = {
        unit.pk: list(AssessmentCriterion.objects.filter(unit=unit).order_by("learning_outcome__number", "id"))
        for unit in units
    }
    methods = {m.code: m for m in AssessmentMethod.objects.all()}

    centre = Centre.objects.create(name=f"Benchmark College ({size} learners)", centre_number=f"BENCH{size}")
    result.centre_id = centre.pk
    assessors_needed = max(1, -(-size // LEARNERS_PER_ASSESSOR))
    iqas_needed = max(1, -(-size // LEARNERS_PER_IQA))

    staff = [User(email="admin@bench.test", full_name="Bench Admin", password=password)]
    staff += [
        User(email=f"assessor{i}@bench.test", full_name=f"Assessor {i:04d}", password=password)
        for i in range(assessors_needed)
    ]
    staff += [User(email=f"iqa{i}@bench.test", full_name=f"IQA {i:03d}", password=password) for i in range(iqas_needed)]
    _bulk(User, staff, counts)
    admin = User.objects.get(email="admin@bench.test")
    assessor_ids = _ids(User, email__startswith="assessor", email__endswith="@bench.test")
    iqa_ids = _ids(User, email__startswith="iqa", email__endswith="@bench.test")
    memberships = [Membership(user=admin, centre=centre, role=Role.CENTRE_ADMIN)]
    memberships += [Membership(user_id=pk, centre=centre, role=Role.ASSESSOR) for pk in assessor_ids]
    memberships += [Membership(user_id=pk, centre=centre, role=Role.IQA) for pk in iqa_ids]
    _bulk(Membership, memberships, counts)

    learners = [
        User(email=f"learner{i:05d}@bench.test", full_name=f"Learner {i:05d}", password=password) for i in range(size)
    ]
    _bulk(User, learners, counts)
    learner_ids = _ids(User, email__startswith="learner", email__endswith="@bench.test")
    registrations = [
        Registration(
            centre=centre,
            learner_id=learner_pk,
            qualification=qualification,
            assessor_id=assessor_ids[i // LEARNERS_PER_ASSESSOR],
            iqa_id=iqa_ids[i // LEARNERS_PER_IQA],
            date_of_birth=dt.date(2000, 1, 1) + dt.timedelta(days=i % 3000),
            start_date=today - dt.timedelta(days=90),
            planned_end_date=today + dt.timedelta(days=270),
            next_evidence_reference=4,
            created_by=admin,
        )
        for i, learner_pk in enumerate(learner_ids)
    ]
    _bulk(Registration, registrations, counts)
    registration_ids = _ids(Registration, centre=centre)
    _bulk(
        RegistrationUnit,
        [RegistrationUnit(registration_id=r, unit=unit) for r in registration_ids for unit in units],
        counts,
    )

    # Three pieces of evidence per learner: all of unit 1, part of unit 2 (accepted), more of unit 2 (pending).
    unit1, unit2 = units[0], units[1]
    plan_of_evidence = [
        ("Observation of customer service", criteria[unit1.pk], EvidenceLink.Status.ACCEPTED, ["Obs"]),
        ("Reflective account: the service environment", criteria[unit2.pk][:14], EvidenceLink.Status.ACCEPTED, ["RA"]),
        ("Product evidence: team records", criteria[unit2.pk][14:22], EvidenceLink.Status.PENDING, ["PE"]),
    ]
    evidence = []
    for i, registration_pk in enumerate(registration_ids):
        for reference, (title, _, _, _) in enumerate(plan_of_evidence, start=1):
            evidence.append(
                Evidence(
                    registration_id=registration_pk,
                    reference=reference,
                    title=title,
                    date=today - dt.timedelta(days=40 - 10 * reference),
                    author_id=learner_ids[i],
                    status=Evidence.Status.SUBMITTED,
                    declared_own_work_at=now,
                    submitted_at=now,
                    description="A written record of what the learner did and how.",
                )
            )
    _bulk(Evidence, evidence, counts)
    evidence_rows = list(
        Evidence.objects.filter(registration__centre=centre)
        .order_by("registration_id", "reference")
        .values_list("pk", "registration_id", "reference")
    )
    through = Evidence.methods.through
    links, decisions, method_rows, files = [], [], [], []
    assessor_of = dict(Registration.objects.filter(centre=centre).values_list("pk", "assessor_id"))
    for evidence_pk, registration_pk, reference in evidence_rows:
        title, linked, status, codes = plan_of_evidence[reference - 1]
        method_rows += [through(evidence_id=evidence_pk, assessmentmethod_id=methods[c].pk) for c in codes]
        files.append(
            EvidenceFile(
                evidence_id=evidence_pk,
                file=stored_file_name,
                thumbnail=stored_file_name,
                original_name=f"evidence-{reference}.png",
                content_type="image/png",
                size=len(TINY_PNG),
                sha256=_sha256(TINY_PNG),
                thumbnail_sha256=_sha256(TINY_PNG),
            )
        )
        judge = assessor_of[registration_pk]
        for criterion in linked:
            accepted = status == EvidenceLink.Status.ACCEPTED
            links.append(
                EvidenceLink(
                    evidence_id=evidence_pk,
                    criterion=criterion,
                    status=status,
                    judged_by_id=judge if accepted else None,
                    judged_at=now if accepted else None,
                    feedback="Valid, authentic, current and sufficient." if accepted else "",
                )
            )
            if accepted:
                decisions.append(
                    CriterionDecision(
                        registration_id=registration_pk,
                        criterion=criterion,
                        met_on=today - dt.timedelta(days=5),
                        decided_by_id=judge,
                    )
                )
    _bulk(through, method_rows, counts)
    _bulk(EvidenceFile, files, counts)
    _bulk(EvidenceLink, links, counts)
    _bulk(CriterionDecision, decisions, counts)

    _sign_off_first_units(registration_ids[::3], unit1, learner_ids, registration_ids, assessor_of, counts)

    result.admin_id = admin.pk
    result.registration_id = registration_ids[0]
    result.learner_id = learner_ids[0]
    result.assessor_id = assessor_ids[0]
    result.iqa_id = iqa_ids[0]
    result.unit_id = unit1.pk
    result.evidence_id = evidence_rows[0][0]
    result.plan_id = _sampling_plan(centre, qualification, iqa_ids[0], today)
    _pdf_registrations(result, centre, admin, assessor_ids[0], iqa_ids[0], stored_file_name, counts)
    return result


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _sign_off_first_units(signed, unit, learner_ids, registration_ids, assessor_of, counts) -> None:
    from tracking.models import Signature, SignatureRole, UnitSignOff

    now = timezone.now()
    learner_of = dict(zip(registration_ids, learner_ids, strict=True))
    people = set(learner_ids) | set(assessor_of.values())
    names = dict(User.objects.filter(pk__in=people).values_list("pk", "full_name"))
    _bulk(UnitSignOff, [UnitSignOff(registration_id=r, unit=unit) for r in signed], counts)
    sign_offs = dict(UnitSignOff.objects.filter(registration_id__in=signed).values_list("registration_id", "pk"))
    signatures = []
    for registration_pk in signed:
        for role, user_pk in (
            (SignatureRole.LEARNER, learner_of[registration_pk]),
            (SignatureRole.ASSESSOR, assessor_of[registration_pk]),
        ):
            signatures.append(
                Signature(
                    sign_off_id=sign_offs[registration_pk],
                    role=role,
                    user_id=user_pk,
                    name_at_signing=names[user_pk],
                    signed_at=now,
                    content_hash="0" * 64,
                )
            )
    _bulk(Signature, signatures, counts)
    RegistrationUnit.objects.filter(registration_id__in=signed, unit=unit).update(locked_at=now)


def _sampling_plan(centre, qualification, iqa_pk, today) -> int:
    from quality.services.plans import create_plan

    iqa = User.objects.get(pk=iqa_pk)
    plan = create_plan(
        actor=iqa,
        centre=centre,
        qualification=qualification,
        period_start=today - dt.timedelta(days=100),
        period_end=today + dt.timedelta(days=200),
        locations="Workplace\nTraining room",
    )
    return plan.pk


def _complete_registration(registration, units, judge_pk, stored_file_name, counts) -> int:
    """One piece of evidence per unit, linked to every criterion, accepted and marked met. Returns criteria count."""
    today, now = timezone.localdate(), timezone.now()
    method = AssessmentMethod.objects.get(code="Obs")
    total = 0
    for reference, unit in enumerate(units, start=1):
        evidence = Evidence.objects.create(
            registration=registration,
            reference=reference,
            title=f"Observation for {unit.reference}",
            date=today - dt.timedelta(days=reference),
            author=registration.learner,
            status=Evidence.Status.SUBMITTED,
            submitted_at=now,
            declared_own_work_at=now,
        )
        evidence.methods.add(method)
        EvidenceFile.objects.create(
            evidence=evidence,
            file=stored_file_name,
            original_name="observation.png",
            content_type="image/png",
            size=len(TINY_PNG),
            sha256=_sha256(TINY_PNG),
        )
        unit_criteria = list(AssessmentCriterion.objects.filter(unit=unit))
        total += len(unit_criteria)
        _bulk(
            EvidenceLink,
            [
                EvidenceLink(evidence=evidence, criterion=c, status="accepted", judged_by_id=judge_pk, judged_at=now)
                for c in unit_criteria
            ],
            counts,
        )
        _bulk(
            CriterionDecision,
            [
                CriterionDecision(registration=registration, criterion=c, met_on=today, decided_by_id=judge_pk)
                for c in unit_criteria
            ],
            counts,
        )
    registration.next_evidence_reference = len(units) + 1
    registration.save(update_fields=["next_evidence_reference"])
    return total


def _pdf_registrations(result, centre, admin, assessor_pk, iqa_pk, stored_file_name, counts) -> None:
    """A learner on a unit of about 20 criteria, and a learner with a whole NVQ met, for the PDF timings."""
    today = timezone.localdate()
    sized = (
        Unit.objects.annotate(n=Count("criteria"))
        .filter(n__gte=15, memberships__isnull=False)
        .order_by("n", "reference")
        .distinct()
    )
    unit = min(sized, key=lambda u: (abs(u.n - 20), u.reference))
    membership = QualificationUnit.objects.filter(unit=unit).select_related("qualification").first()
    for label, qualification, plan_units in [
        ("pdf", membership.qualification, [unit]),
        ("nvq", Qualification.objects.get(number=NVQ), None),
    ]:
        learner = User.objects.create(email=f"{label}-learner@bench.test", full_name=f"PDF Learner {label.upper()}")
        registration = Registration.objects.create(
            centre=centre,
            learner=learner,
            qualification=qualification,
            assessor_id=assessor_pk,
            iqa_id=iqa_pk,
            date_of_birth=dt.date(1999, 3, 3),
            start_date=today - dt.timedelta(days=200),
            planned_end_date=today + dt.timedelta(days=100),
            created_by=admin,
        )
        if plan_units is None:
            memberships = list(QualificationUnit.objects.filter(qualification=qualification).select_related("unit"))
            mandatory = [m.unit for m in memberships if m.mandatory]
            optional = [m.unit for m in memberships if not m.mandatory][:6]
            plan_units = mandatory + optional
        RegistrationUnit.objects.bulk_create(
            [RegistrationUnit(registration=registration, unit=u, chosen=True) for u in plan_units]
        )
        total = _complete_registration(registration, plan_units, assessor_pk, stored_file_name, counts)
        if label == "pdf":
            result.pdf_registration_id, result.pdf_unit_id, result.pdf_unit_criteria = registration.pk, unit.pk, total
        else:
            result.nvq_registration_id, result.nvq_criteria = registration.pk, total
