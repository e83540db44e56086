"""Everything a sampling plan's pages need, fetched in a fixed number of queries and assembled in Python.

The plan page, the proposals, the risk loop and the certification check all read this one structure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, BooleanField, CharField, Prefetch, Q, Value
from django.db.models.functions import Cast

from centres.models import CompetenceStatus, Membership, Role, User
from core.compiled import CompiledRead
from portfolio.models import CriterionDecision, Evidence, EvidenceLink, Registration, RegistrationUnit
from qualifications.cache import catalogue
from qualifications.models import AssessmentMethod, Unit
from tracking.models import Signature, SignatureRole

from ..models import SampleKind, SampleRecord, SampleUnit, SamplingPlan


@dataclass
class UnitWork:
    """One unit of one learner's plan, as the IQA sees it."""

    registration: Registration
    unit: Unit
    assessor_id: int
    started: bool = False  # a criterion decision or a judged evidence link exists
    assessor_signed: bool = False  # a live assessor signature
    signed: bool = False  # signed off: the assessor and, where needed, the countersignatory
    countersigned: bool = False
    iqa_signed: bool = False
    eqa_signed: bool = False
    makers: set[int] = field(default_factory=set)  # who made or countersigned a decision on it
    methods: set[str] = field(default_factory=set)  # methods of the learner's evidence linked to it
    # Samples of each kind that looked at it: final ones and those awaiting countersignature (a trainee IQA's:
    # the work is done), never those the countersignatory returned.
    sampled: dict[str, int] = field(default_factory=lambda: {SampleKind.INTERIM: 0, SampleKind.SUMMATIVE: 0})
    final_sampled: dict[str, int] = field(default_factory=lambda: {SampleKind.INTERIM: 0, SampleKind.SUMMATIVE: 0})
    summative_agreed: bool = False  # a summative sample that did not disagree
    summative_pending: bool = False  # a summative sample awaiting countersignature will sign or reopen it

    @property
    def key(self) -> tuple[int, int]:
        return (self.registration.pk, self.unit.pk)


@dataclass
class PlanData:
    plan: SamplingPlan
    registrations: list[Registration]
    units: list[Unit]  # the qualification's units in printed order, with `number_in_qualification`
    work: dict[tuple[int, int], UnitWork]
    samples: list[SampleRecord]
    methods: list[AssessmentMethod]
    trainee_assessor_ids: set[int] = field(default_factory=set)  # assessors working towards their award there

    @property
    def assessor_ids(self) -> list[int]:
        return sorted({registration.assessor_id for registration in self.registrations})

    @property
    def assessors(self) -> list:
        seen = {}
        for registration in self.registrations:
            seen.setdefault(registration.assessor_id, registration.assessor)
        return sorted(seen.values(), key=lambda user: (user.full_name.lower(), user.email))


def _kind(name: str) -> Value:
    return Value(name, output_field=CharField())


def _text() -> Value:
    return Value("", output_field=CharField())


def _null(field) -> Cast:
    # Typed: PostgreSQL resolves an untyped NULL under DISTINCT as text, which a UNION with ids then refuses.
    return Cast(Value(None), field)


def _number() -> Cast:
    return _null(BigIntegerField())


def plan_registrations_scope(plan: SamplingPlan):
    """The registrations a plan covers: the IQA's learners on the qualification at the centre, active during
    the period (withdrawn or completed learners stay until the period after they left)."""
    return _scope(**_scope_of(plan))


def _scope_of(plan: SamplingPlan) -> dict:
    return {
        "centre_id": plan.centre_id,
        "qualification_id": plan.qualification_id,
        "iqa_id": plan.iqa_id,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
    }


def _scope(*, centre_id, qualification_id, iqa_id, period_start, period_end):
    return Registration.objects.filter(
        centre_id=centre_id,
        qualification_id=qualification_id,
        iqa_id=iqa_id,
        start_date__lte=period_end,
    ).filter(
        Q(status=Registration.Status.ACTIVE)
        | Q(status_changed_at__isnull=True)
        | Q(status_changed_at__date__gte=period_start)
    )


# The plan page's reads, their SQL built once per process (core.compiled): by the plan's scope, as a subquery.
_samples = CompiledRead(
    lambda plan_id: (
        SampleRecord.objects.filter(plan_id=plan_id)
        .select_related("registration__learner", "iqa", "assessor")
        .prefetch_related(Prefetch("units", queryset=SampleUnit.objects.select_related("unit")))
        .order_by("-sampled_at", "-pk")
    )
)
_WITH_PEOPLE = ("learner", "assessor", "pathway")
# The learners' rows without their assessors: a plan's few assessors are read once each (`_people`) and shared by
# their learners' rows, rather than made again for every row.
_scope_registrations = CompiledRead(
    lambda **scope: Registration.objects.select_related("learner", "pathway").filter(
        pk__in=_scope(**scope).values("pk")
    )
)
_people = CompiledRead(lambda ids: User.objects.filter(pk__in=ids))
_scope_work_rows = CompiledRead(lambda **scope: _work_rows(_scope(**scope).values("pk"), scope["centre_id"]))
_scope_maker_rows = CompiledRead(lambda **scope: _maker_rows(_scope(**scope).values("pk")))


def load_plan_data(plan: SamplingPlan) -> PlanData:
    """Seven queries, whatever the number of learners, units, decisions and samples (the catalogue is held in
    memory)."""
    samples = _samples(plan_id=plan.pk)
    # The plan's learners, and any learner sampled in it who has since left its scope (rare: a second query
    # then). Two plain lookups instead of one OR of subqueries, which would hide the indexes from the planner.
    scope = _scope_of(plan)
    registrations = _scope_registrations(**scope)
    assessors = {user.pk: user for user in _people(ids=sorted({row.assessor_id for row in registrations}))}
    for registration in registrations:
        registration.assessor = assessors[registration.assessor_id]
    left = {sample.registration_id for sample in samples} - {registration.pk for registration in registrations}
    if left:
        registrations += list(Registration.objects.select_related(*_WITH_PEOPLE).filter(pk__in=left))
    registrations.sort(key=lambda registration: (registration.learner.full_name, registration.pk))
    # The queries below select by these learners: as the scope's subquery (one index lookup for the database)
    # rather than a list of a few hundred ids to send and parse, unless some sampled learner has left it.
    ids = [registration.pk for registration in registrations] if left else None
    by_id = {registration.pk: registration for registration in registrations}

    held = catalogue()  # the qualification's units (numbered as it prints them) and the method key, read-only
    units = []
    unit_by_id = {}
    for membership in held.memberships(plan.qualification_id):
        units.append(membership.unit)
        unit_by_id[membership.unit_id] = membership.unit

    rows: dict[str, list[tuple]] = defaultdict(list)
    work_rows = _scope_work_rows(**scope) if ids is None else _work_rows(ids, plan.centre_id)
    for kind, *row in work_rows:
        rows[kind].append(row)

    work: dict[tuple[int, int], UnitWork] = {}
    for registration_id, unit_id, _, _ in rows["plan"]:
        if unit_id in unit_by_id:
            registration = by_id[registration_id]
            work[(registration_id, unit_id)] = UnitWork(registration, unit_by_id[unit_id], registration.assessor_id)

    assessor_signer: dict[tuple[int, int], int] = {}
    for registration_id, unit_id, role, user_id in rows["signature"]:
        item = work.get((registration_id, unit_id))
        if item is None:
            continue
        if role == SignatureRole.ASSESSOR:
            item.assessor_signed = True
            assessor_signer[(registration_id, unit_id)] = user_id
        elif role == SignatureRole.COUNTERSIGNER:
            item.countersigned = True
        elif role == SignatureRole.IQA:
            item.iqa_signed = True
        elif role == SignatureRole.EQA:
            item.eqa_signed = True

    # Signed off: the assessor signed and, where they work towards their award, their countersignatory too.
    trainees = {user_id for _, _, _, user_id in rows["trainee"]}
    for key, signer in assessor_signer.items():
        work[key].signed = signer not in trainees or work[key].countersigned

    # Who made decisions and which methods the evidence used, in one UNION of two DISTINCT passes (a few rows per
    # unit, not one per criterion or link; order_by() keeps the models' default ordering out of the DISTINCT):
    # - the learners' criterion decisions, by who decided and who countersigned;
    # - their evidence links with their evidence's methods: judged links (any version) show who made decisions;
    #   current, submitted evidence not rejected for a unit lends that unit its methods.
    methods = list(held.methods)
    code_of = {method.pk: method.code for method in methods}
    for row in _scope_maker_rows(**scope) if ids is None else _maker_rows(ids):
        registration_id, unit_id, status, maker, countersigned_by, is_current, evidence_status, method_id = row
        item = work.get((registration_id, unit_id))
        if item is None:
            continue
        if status is None:  # a criterion decision
            item.started = True
            item.makers.update(user for user in (maker, countersigned_by) if user)
            continue
        if maker is not None and status != EvidenceLink.Status.PENDING:
            item.started = True
            item.makers.update(user for user in (maker, countersigned_by) if user)
        if (
            method_id is not None
            and is_current
            and evidence_status == Evidence.Status.SUBMITTED
            and status != EvidenceLink.Status.REJECTED
        ):
            item.methods.add(code_of[method_id])

    for sample in samples:
        if sample.returned:
            continue
        for sample_unit in sample.units.all():
            item = work.get((sample.registration_id, sample_unit.unit_id))
            if item is None:
                continue
            item.sampled[sample.kind] += 1
            if sample.is_final:
                item.final_sampled[sample.kind] += 1
            if sample.kind == SampleKind.SUMMATIVE and sample_unit.outcome != "disagree":
                item.summative_agreed = True
            if sample.kind == SampleKind.SUMMATIVE and sample.awaiting_countersignature:
                item.summative_pending = True

    return PlanData(
        plan=plan,
        registrations=registrations,
        units=units,
        work=work,
        samples=samples,
        methods=methods,
        trainee_assessor_ids=trainees,
    )


def _work_rows(ids, centre_id: int):
    # The learners' plans, the live signatures on their units and the centre's assessors working towards their
    # award (a few people; the risk rule asks the same), as one UNION.
    plan_rows = (
        RegistrationUnit.objects.filter(registration_id__in=ids)
        .order_by()
        .values_list(_kind("plan"), "registration_id", "unit_id", _text(), _number())
    )
    signature_rows = (
        Signature.objects.live()
        .filter(sign_off__registration_id__in=ids)
        .order_by()
        .values_list(_kind("signature"), "sign_off__registration_id", "sign_off__unit_id", "role", "user_id")
    )
    trainee_rows = (
        Membership.objects.active()
        .filter(centre_id=centre_id, role=Role.ASSESSOR, status=CompetenceStatus.WORKING_TOWARDS)
        .order_by()
        .values_list(_kind("trainee"), _number(), _number(), _text(), "user_id")
    )
    return plan_rows.union(signature_rows, trainee_rows, all=True)


def _maker_rows(ids):
    # No constant names the half a row comes from: a decision's row has no link status (a link's never lacks one).
    # Typed NULLs in the columns a decision does not fill, which DISTINCT hashes for next to nothing, where constant
    # texts cost it a quarter of its time.
    decision_rows = (
        CriterionDecision.objects.filter(registration_id__in=ids)
        .order_by()
        .values_list(
            "registration_id",
            "criterion__unit_id",
            _null(CharField()),
            "decided_by_id",
            "countersigned_by_id",
            _null(BooleanField()),
            _null(CharField()),
            _number(),
        )
        .distinct()
    )
    link_rows = (
        EvidenceLink.objects.filter(evidence__registration_id__in=ids)
        .order_by()
        .values_list(
            "evidence__registration_id",
            "criterion__unit_id",
            "status",
            "judged_by_id",
            "countersigned_by_id",
            "evidence__is_current",
            "evidence__status",
            "evidence__methods",
        )
        .distinct()
    )
    return decision_rows.union(link_rows, all=True)
