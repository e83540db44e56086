"""Where a learner stands, criterion by criterion: the one structure that the portfolio pages, the
tracking sheet, progress figures and the certification check all read.

Everything is fetched in bulk, in a fixed number of queries, and assembled in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery

from qualifications.models import AssessmentCriterion, CriterionWording, LearningOutcome, QualificationUnit, Unit

from .models import CountersignStatus, CriterionDecision, Evidence, EvidenceLink, Registration, RegistrationUnit

FINAL = (CountersignStatus.NOT_REQUIRED, CountersignStatus.CONFIRMED)


class CriterionState:
    MET = "met"
    AWAITING_COUNTERSIGNATURE = "awaiting_countersignature"
    AWAITING_REVIEW = "awaiting_review"
    ACCEPTED = "accepted"  # accepted evidence, not yet marked met
    NO_EVIDENCE = "no_evidence"
    NOT_REQUIRED = "not_required"

    LABELS = {
        MET: "Met",
        AWAITING_COUNTERSIGNATURE: "Met, awaiting countersignature",
        AWAITING_REVIEW: "Evidence awaiting review",
        ACCEPTED: "Evidence accepted, not yet marked met",
        NO_EVIDENCE: "No evidence",
        NOT_REQUIRED: "Not required on this pathway",
    }


@dataclass
class CriterionStatus:
    criterion: AssessmentCriterion
    required: bool
    decision: CriterionDecision | None = None
    links: list[EvidenceLink] = field(default_factory=list)
    wording: str = ""  # the criterion's wording for the learner's pathway, where it has one per pathway

    @property
    def text(self) -> str:
        """The criterion as this learner is assessed on it: their pathway's wording, else the printed text."""
        return self.wording or self.criterion.text

    @property
    def met(self) -> bool:
        return self.required and self.decision is not None and self.decision.is_met and self.decision.is_final

    @property
    def met_on(self) -> dt.date | None:
        return self.decision.met_on if self.met else None

    @property
    def accepted_links(self) -> list[EvidenceLink]:
        return [link for link in self.links if link.status == EvidenceLink.Status.ACCEPTED]

    @property
    def pending_links(self) -> list[EvidenceLink]:
        return [link for link in self.links if link.status == EvidenceLink.Status.PENDING]

    @property
    def methods(self) -> list[str]:
        codes = {method.code: method.order for link in self.accepted_links for method in link.evidence.methods.all()}
        return sorted(codes, key=lambda code: (codes[code], code))

    @property
    def references(self) -> list[int]:
        return sorted({link.evidence.reference for link in self.accepted_links})

    @property
    def accepted_evidence(self) -> list[Evidence]:
        seen: dict[int, Evidence] = {}
        for link in self.accepted_links:
            seen.setdefault(link.evidence.reference, link.evidence)
        return [seen[reference] for reference in sorted(seen)]

    @property
    def state(self) -> str:
        if not self.required:
            return CriterionState.NOT_REQUIRED
        if self.decision is not None and self.decision.is_met:
            return CriterionState.MET if self.decision.is_final else CriterionState.AWAITING_COUNTERSIGNATURE
        if self.pending_links:
            return CriterionState.AWAITING_REVIEW
        if self.accepted_links:
            return CriterionState.ACCEPTED
        return CriterionState.NO_EVIDENCE

    @property
    def state_label(self) -> str:
        return CriterionState.LABELS[self.state]


@dataclass
class OutcomeStatus:
    outcome: LearningOutcome
    criteria: list[CriterionStatus]


@dataclass(frozen=True)
class CarriedUnit:
    """A unit of the plan carried over from its sign-off in another registration of the same learner.

    While it `counts`, the unit's criteria, evidence and dates are the source registration's, read-only; once the
    source unit is reopened it no longer counts and the unit stands on this registration's own portfolio."""

    source_registration_id: int
    label: str  # "Carried over from <qualification> (signed off <date>)", or why it no longer counts
    counts: bool
    record: object = None  # the record of the app that carried it (tracking.CarriedOverUnit)


# Apps above portfolio say which units of a plan are carried over (tracking keeps the records, since a carry rests
# on a sign-off). A provider takes registration ids and returns (registration id, unit id) -> CarriedUnit in a
# fixed number of queries; see register_carried_units.
CarriedUnitsProvider = Callable[[list[int]], dict[tuple[int, int], CarriedUnit]]
_carried_providers: list[CarriedUnitsProvider] = []


def register_carried_units(provider: CarriedUnitsProvider) -> CarriedUnitsProvider:
    """Add a provider of carried-over units (call it from the app's AppConfig.ready). Idempotent."""
    if provider not in _carried_providers:
        _carried_providers.append(provider)
    return provider


def carried_units(registration_ids: list[int]) -> dict[tuple[int, int], CarriedUnit]:
    result: dict[tuple[int, int], CarriedUnit] = {}
    for provider in _carried_providers:
        result.update(provider(registration_ids))
    return result


@dataclass
class UnitStatus:
    unit: Unit
    plan_entry: RegistrationUnit
    outcomes: list[OutcomeStatus]
    carried: CarriedUnit | None = None

    @property
    def criteria(self) -> list[CriterionStatus]:
        return [status for outcome in self.outcomes for status in outcome.criteria]

    @property
    def required(self) -> int:
        return sum(1 for status in self.criteria if status.required)

    @property
    def met(self) -> int:
        return sum(1 for status in self.criteria if status.met)

    @property
    def awaiting_review(self) -> int:
        return sum(1 for status in self.criteria if status.state == CriterionState.AWAITING_REVIEW)

    @property
    def gaps(self) -> list[CriterionStatus]:
        return [status for status in self.criteria if status.state == CriterionState.NO_EVIDENCE]

    @property
    def complete(self) -> bool:
        return self.required > 0 and self.met == self.required

    @property
    def locked(self) -> bool:
        return self.plan_entry.locked_at is not None


# Whole-plan statuses by registration id, while a `sharing_unit_statuses()` block is open.
_shared_statuses: ContextVar[dict[int, list[UnitStatus]] | None] = ContextVar("shared_unit_statuses", default=None)


@contextmanager
def sharing_unit_statuses() -> Iterator[None]:
    """Within this block, `unit_statuses(registration)` of a registration's whole plan is assembled once and the
    same result handed to every caller (treat it as read-only). For read-only pages whose parts each fetch the
    same registration on their own, as the home page's panels do; never around a change to the portfolio."""
    token = _shared_statuses.set({})
    try:
        yield
    finally:
        _shared_statuses.reset(token)


def unit_statuses(registration: Registration, units: list[Unit] | None = None) -> list[UnitStatus]:
    """The status of every criterion of the registration's plan (or of the given units), in unit order.

    Nine queries whatever the number of units, criteria and evidence (none for a whole plan already assembled
    inside `sharing_unit_statuses()`); units carried over from another registration add the same again once per
    source registration, never per unit."""
    shared = _shared_statuses.get()
    if shared is None or units is not None:
        return _assemble_unit_statuses(registration, units)
    if registration.pk not in shared:
        shared[registration.pk] = _assemble_unit_statuses(registration, None)
    return list(shared[registration.pk])


def _assemble_unit_statuses(
    registration: Registration, units: list[Unit] | None, *, with_carried: bool = True
) -> list[UnitStatus]:
    plan = RegistrationUnit.objects.filter(registration=registration).select_related("unit")
    if units is not None:
        plan = plan.filter(unit__in=[unit.pk for unit in units])
    membership = {
        unit_id: (order, number)
        for unit_id, order, number in QualificationUnit.objects.filter(
            qualification_id=registration.qualification_id
        ).values_list("unit_id", "order", "number")
    }
    plan_entries = sorted(plan, key=lambda entry: (membership.get(entry.unit_id, (0, ""))[0], entry.unit.reference))
    for entry in plan_entries:
        entry.unit.number_in_qualification = membership.get(entry.unit_id, (0, ""))[1]
    unit_ids = [entry.unit_id for entry in plan_entries]

    outcomes = LearningOutcome.objects.filter(unit_id__in=unit_ids).order_by("unit_id", "order")
    criteria = (
        AssessmentCriterion.objects.filter(unit_id__in=unit_ids).select_related("pathway").order_by("unit_id", "order")
    )
    if registration.pathway_id is not None:  # in the same query: the wording for the learner's pathway, if any
        criteria = criteria.annotate(
            pathway_wording=Subquery(
                CriterionWording.objects.filter(criterion=OuterRef("pk"), pathway_id=registration.pathway_id).values(
                    "text"
                )[:1]
            )
        )
    # One Evidence object per piece, shared by its links (a piece is often linked to dozens of criteria).
    evidence = {
        item.pk: item
        for item in Evidence.objects.filter(registration=registration, is_current=True)
        .exclude(status__in=[Evidence.Status.DRAFT, Evidence.Status.WITHDRAWN])
        .prefetch_related("methods")
    }
    links = EvidenceLink.objects.filter(evidence_id__in=list(evidence), criterion__unit_id__in=unit_ids)
    decisions = CriterionDecision.objects.filter(registration=registration, criterion__unit_id__in=unit_ids)

    links_by_criterion: dict[int, list[EvidenceLink]] = defaultdict(list)
    for link in sorted(links, key=lambda link: (evidence[link.evidence_id].reference, link.pk)):
        link.evidence = evidence[link.evidence_id]
        links_by_criterion[link.criterion_id].append(link)
    decision_by_criterion = {decision.criterion_id: decision for decision in decisions}
    criteria_by_outcome: dict[int, list[CriterionStatus]] = defaultdict(list)
    for criterion in criteria:
        required = criterion.pathway_id is None or criterion.pathway_id == registration.pathway_id
        criteria_by_outcome[criterion.learning_outcome_id].append(
            CriterionStatus(
                criterion=criterion,
                required=required,
                decision=decision_by_criterion.get(criterion.pk),
                links=links_by_criterion.get(criterion.pk, []),
                wording=getattr(criterion, "pathway_wording", None) or "",
            )
        )
    outcomes_by_unit: dict[int, list[OutcomeStatus]] = defaultdict(list)
    for outcome in outcomes:
        outcomes_by_unit[outcome.unit_id].append(OutcomeStatus(outcome, criteria_by_outcome.get(outcome.pk, [])))
    carried = {}
    if with_carried and unit_ids:
        carried = {unit_id: c for (_, unit_id), c in carried_units([registration.pk]).items() if unit_id in unit_ids}
        outcomes_by_unit.update(_carried_outcomes(carried, plan_entries))
    return [
        UnitStatus(entry.unit, entry, outcomes_by_unit.get(entry.unit_id, []), carried.get(entry.unit_id))
        for entry in plan_entries
    ]


def _carried_outcomes(carried: dict[int, CarriedUnit], plan_entries) -> dict[int, list[OutcomeStatus]]:
    """The source registration's criteria of each carried unit that still counts: one assembly per source
    registration (a learner's other registration), never per unit."""
    units_by_source: dict[int, list[Unit]] = defaultdict(list)
    for entry in plan_entries:
        carry = carried.get(entry.unit_id)
        if carry is not None and carry.counts:
            units_by_source[carry.source_registration_id].append(entry.unit)
    result = {}
    for source in Registration.objects.filter(pk__in=list(units_by_source)):
        for status in _assemble_unit_statuses(source, units_by_source[source.pk], with_carried=False):
            result[status.unit.pk] = status.outcomes
    return result


def unit_status(registration: Registration, unit: Unit) -> UnitStatus:
    statuses = unit_statuses(registration, [unit])
    if not statuses:
        raise LookupError(f"{unit.reference} is not on this learner's plan")
    return statuses[0]


@dataclass(frozen=True)
class Progress:
    met: int
    required: int
    awaiting_review: int

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.required) if self.required else 0


def registration_progress(registrations) -> dict[int, Progress]:
    """Criteria met of criteria required, and evidence awaiting review, for many registrations in
    four queries (whatever their number and size)."""
    registrations = list(registrations)
    ids = [registration.pk for registration in registrations]
    if not ids:
        return {}
    pathway_of = {registration.pk: registration.pathway_id for registration in registrations}
    plan = defaultdict(set)
    for registration_id, unit_id in RegistrationUnit.objects.filter(registration_id__in=ids).values_list(
        "registration_id", "unit_id"
    ):
        plan[registration_id].add(unit_id)
    all_units = set().union(*plan.values()) if plan else set()
    counts: dict[tuple[int, int | None], int] = {}
    for row in (
        AssessmentCriterion.objects.filter(unit_id__in=all_units)
        .values("unit_id", "pathway_id")
        .annotate(n=Count("id"))
    ):
        counts[(row["unit_id"], row["pathway_id"])] = row["n"]
    # A carried unit that still counts is met as it was in its source registration.
    carried = {key: carry for key, carry in carried_units(ids).items() if carry.counts}
    sources = {carry.source_registration_id for carry in carried.values()}
    met_in_unit: dict[tuple[int, int, int | None], int] = {}
    for row in (
        CriterionDecision.objects.filter(
            registration_id__in=[*ids, *sources], is_met=True, countersign_status__in=FINAL
        )
        .order_by()
        .values("registration_id", "criterion__unit_id", "criterion__pathway_id")
        .annotate(n=Count("id"))
    ):
        met_in_unit[(row["registration_id"], row["criterion__unit_id"], row["criterion__pathway_id"])] = row["n"]
    met = defaultdict(int)
    for registration_id in ids:
        for unit_id in plan[registration_id]:
            carry = carried.get((registration_id, unit_id))
            source_id = carry.source_registration_id if carry is not None else registration_id
            for pathway_id in {None, pathway_of[registration_id]}:
                met[registration_id] += met_in_unit.get((source_id, unit_id, pathway_id), 0)
    awaiting = dict(
        Evidence.objects.filter(registration_id__in=ids, is_current=True, status=Evidence.Status.SUBMITTED)
        .filter(Q(links__status=EvidenceLink.Status.PENDING))
        .values("registration_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("registration_id", "n")
    )
    result = {}
    for registration_id in ids:
        required = sum(
            n
            for (unit_id, pathway_id), n in counts.items()
            if unit_id in plan[registration_id] and pathway_id in (None, pathway_of[registration_id])
        )
        result[registration_id] = Progress(
            met=met[registration_id], required=required, awaiting_review=awaiting.get(registration_id, 0)
        )
    return result
