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

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext, gettext_noop

from centres.hooks import Hook
from qualifications.cache import catalogue as cached_catalogue
from qualifications.models import AssessmentCriterion, LearningOutcome, Unit

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
        MET: gettext_noop("Met"),
        AWAITING_COUNTERSIGNATURE: gettext_noop("Met, awaiting countersignature"),
        AWAITING_REVIEW: gettext_noop("Evidence awaiting review"),
        ACCEPTED: gettext_noop("Evidence accepted, not yet marked met"),
        NO_EVIDENCE: gettext_noop("No evidence"),
        NOT_REQUIRED: gettext_noop("Not required on this pathway"),
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
    def reference_labels(self) -> list[str]:
        """The references as the sheet prints them: simulated evidence marked with an asterisk."""
        return [f"{e.reference}*" if e.is_simulated else str(e.reference) for e in self.accepted_evidence]

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
        return gettext(CriterionState.LABELS[self.state])


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
# With each provider, a marker: given references to a plan entry's registration id and unit id, an expression that
# is true when the provider may carry that unit (an Exists), so a plan read with it says whether to ask at all.
CarriedUnitsMarker = Callable[[OuterRef, OuterRef], Exists]
_carried_providers: list[tuple[CarriedUnitsProvider, CarriedUnitsMarker]] = []


def register_carried_units(provider: CarriedUnitsProvider, marker: CarriedUnitsMarker) -> CarriedUnitsProvider:
    """Add a provider of carried-over units and its marker (call it from the app's AppConfig.ready). Idempotent."""
    if all(provider is not registered for registered, _ in _carried_providers):
        _carried_providers.append((provider, marker))
    return provider


def carried_units(registration_ids: list[int]) -> dict[tuple[int, int], CarriedUnit]:
    result: dict[tuple[int, int], CarriedUnit] = {}
    for provider, _ in _carried_providers:
        result.update(provider(registration_ids))
    return result


def _with_carried_marker(plan):
    """The plan entries, each with `may_be_carried`: whether some provider holds a carry of it (read in the same
    query, so a plan with none, the usual case, costs no query to the providers)."""
    if not _carried_providers:
        return plan.annotate(may_be_carried=Value(False, output_field=BooleanField()))
    registration, unit = OuterRef("registration_id"), OuterRef("unit_id")
    markers = [marker(registration, unit) for _, marker in _carried_providers]
    if len(markers) == 1:
        return plan.annotate(may_be_carried=markers[0])
    return plan.annotate(may_be_carried=ExpressionWrapper(Q(*markers, _connector=Q.OR), output_field=BooleanField()))


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


# A learner's active registrations by learner id, while the same block is open.
_shared_registrations: ContextVar[dict[int, list[Registration]] | None] = ContextVar(
    "shared_active_registrations", default=None
)


@contextmanager
def sharing_unit_statuses() -> Iterator[None]:
    """Within this block, `unit_statuses(registration)` of a registration's whole plan is assembled once and the
    same result handed to every caller (treat it as read-only), and so is `active_registrations_of(learner)`.
    For read-only pages whose parts each fetch the same registration on their own, as the home page's panels do;
    never around a change to the portfolio."""
    token = _shared_statuses.set({})
    registrations_token = _shared_registrations.set({})
    try:
        yield
    finally:
        _shared_registrations.reset(registrations_token)
        _shared_statuses.reset(token)


# What apps above portfolio read with a learner's active registrations, in the same query (quality: whether the
# learner has any certificate claim, so their home page asks for claims only then).
registration_annotations = Hook[Callable[[], dict]](
    "What to read with a learner's active registrations () -> {name: expression over Registration}"
)


def active_registrations_of(learner) -> list[Registration]:
    """The learner's active registrations, with their qualification, centre, assessor (and their membership, see
    Registration.objects.with_assessor_membership), pathway and learner (one query; none more inside a
    `sharing_unit_statuses()` block that already read them)."""
    shared = _shared_registrations.get()
    if shared is not None and learner.pk in shared:
        return list(shared[learner.pk])
    annotations = {name: value for answer in registration_annotations.ask() for name, value in answer.items()}
    registrations = list(
        Registration.objects.filter(learner=learner, status=Registration.Status.ACTIVE)
        .with_assessor_membership()
        .select_related("qualification", "centre", "assessor", "pathway", "learner")
        .annotate(**annotations)
    )
    if shared is not None:
        shared[learner.pk] = registrations
    return list(registrations)


def unit_statuses(registration: Registration, units: list[Unit] | None = None) -> list[UnitStatus]:
    """The status of every criterion of the registration's plan (or of the given units), in unit order.

    Three queries whatever the number of units, criteria and evidence (none for a whole plan already assembled
    inside `sharing_unit_statuses()`); when the plan holds units carried over from another registration (its plan
    query says so), one more for the carries and the same again once per source registration, never per unit.
    The catalogue's units, outcomes and criteria come from qualifications.cache, read-only."""
    shared = _shared_statuses.get()
    if shared is None or units is not None:
        return _assemble_unit_statuses(registration, units)
    if registration.pk not in shared:
        shared[registration.pk] = _assemble_unit_statuses(registration, None)
    return list(shared[registration.pk])


def _assemble_unit_statuses(
    registration: Registration, units: list[Unit] | None, *, with_carried: bool = True
) -> list[UnitStatus]:
    catalogue = cached_catalogue()
    plan = _with_carried_marker(RegistrationUnit.objects.filter(registration=registration))
    if units is not None:
        plan = plan.filter(unit__in=[unit.pk for unit in units])
    order = catalogue.unit_order(registration.qualification_id)
    plan_entries = list(plan)
    for entry in plan_entries:
        # The unit as this qualification numbers it, from the catalogue held in memory (read-only).
        entry.unit = catalogue.unit_in(registration.qualification_id, entry.unit_id)
    plan_entries.sort(key=lambda entry: (order.get(entry.unit_id, 0), entry.unit.reference))
    unit_ids = [entry.unit_id for entry in plan_entries]
    criteria = [criterion for unit_id in unit_ids for criterion in catalogue.criteria_of(unit_id)]
    criterion_ids = [criterion.pk for criterion in criteria]

    links = _links_with_evidence_and_methods(registration, criterion_ids, catalogue.methods)
    decisions = CriterionDecision.objects.filter(registration=registration, criterion_id__in=criterion_ids)

    links_by_criterion: dict[int, list[EvidenceLink]] = defaultdict(list)
    for link in sorted(links, key=lambda link: (link.evidence.reference, link.pk)):
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
                # the wording for the learner's pathway, where the criterion is worded per pathway
                wording=catalogue.wording(criterion.pk, registration.pathway_id),
            )
        )
    outcomes_by_unit: dict[int, list[OutcomeStatus]] = {
        entry.unit_id: [
            OutcomeStatus(outcome, criteria_by_outcome.get(outcome.pk, []))
            for outcome in catalogue.outcomes_of(entry.unit_id)
        ]
        for entry in plan_entries
    }
    carried = {}
    if with_carried and any(entry.may_be_carried for entry in plan_entries):
        carried = {unit_id: c for (_, unit_id), c in carried_units([registration.pk]).items() if unit_id in unit_ids}
        outcomes_by_unit.update(_carried_outcomes(carried, plan_entries))
    return [
        UnitStatus(entry.unit, entry, outcomes_by_unit.get(entry.unit_id, []), carried.get(entry.unit_id))
        for entry in plan_entries
    ]


_LINK_FIELDS = [field.attname for field in EvidenceLink._meta.concrete_fields]
_EVIDENCE_FIELDS = [field.attname for field in Evidence._meta.concrete_fields]


def _links_with_evidence_and_methods(registration, criterion_ids, method_key) -> list[EvidenceLink]:
    """The links of the learner's current, submitted evidence to these criteria, each with its evidence (one
    Evidence object per piece, shared by its links: a piece is often linked to dozens of criteria) and the
    evidence's methods, in one query: a row per link and method of its evidence. The methods are those of the
    method key held in memory, left as a prefetch of `methods` leaves them, so evidence.methods.all() reads no
    more."""
    db = EvidenceLink.objects.db
    links: dict[int, EvidenceLink] = {}
    evidence: dict[int, Evidence] = {}
    method_ids: dict[int, set[int]] = defaultdict(set)
    size = len(_LINK_FIELDS)
    for *values, method_id in (
        EvidenceLink.objects.filter(
            evidence__registration=registration, evidence__is_current=True, criterion_id__in=criterion_ids
        )
        .exclude(evidence__status__in=[Evidence.Status.DRAFT, Evidence.Status.WITHDRAWN])
        .order_by()
        .values_list(*_LINK_FIELDS, *(f"evidence__{name}" for name in _EVIDENCE_FIELDS), "evidence__methods")
    ):
        link = links.get(values[0])
        if link is None:
            link = links[values[0]] = EvidenceLink.from_db(db, _LINK_FIELDS, values[:size])
            if link.evidence_id not in evidence:
                evidence[link.evidence_id] = Evidence.from_db(db, _EVIDENCE_FIELDS, values[size:])
            link.evidence = evidence[link.evidence_id]
        if method_id is not None:
            method_ids[link.evidence_id].add(method_id)
    for piece in evidence.values():
        piece._prefetched_objects_cache = {
            "methods": [method for method in method_key if method.pk in method_ids[piece.pk]]
        }
    return list(links.values())


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
    """Criteria met of criteria required, and evidence awaiting review, for many registrations in one query
    (whatever their number and size): their plans (each entry with whether it may be carried over), their met
    decisions counted by unit and pathway, and their evidence awaiting review counted, as one UNION; the criteria to
    meet come from the catalogue in memory. Only when some unit is carried over, one query for the carries and one
    for their sources' met decisions."""
    registrations = list(registrations)
    ids = [registration.pk for registration in registrations]
    if not ids:
        return {}
    pathway_of = {registration.pk: registration.pathway_id for registration in registrations}

    def kind(name: str) -> Value:
        return Value(name, output_field=CharField())

    nothing = Value(None, output_field=IntegerField())
    # Each plan entry says whether it may be carried over from another registration (its last column), so the
    # carries, and the decisions of their sources, are read only when some are.
    plans = (
        _with_carried_marker(RegistrationUnit.objects.filter(registration_id__in=ids))
        .order_by()
        .annotate(carried=Case(When(may_be_carried=True, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .values_list(kind("plan"), "registration_id", "unit_id", nothing, "carried")
    )

    def met_decisions(registration_ids):
        return (
            CriterionDecision.objects.filter(
                registration_id__in=registration_ids, is_met=True, countersign_status__in=FINAL
            )
            .order_by()
            .values("registration_id", "criterion__unit_id", "criterion__pathway_id")
            .annotate(n=Count("id"))
            .values_list(kind("met"), "registration_id", "criterion__unit_id", "criterion__pathway_id", "n")
        )

    awaiting_review = (
        Evidence.objects.filter(registration_id__in=ids, is_current=True, status=Evidence.Status.SUBMITTED)
        .filter(Q(links__status=EvidenceLink.Status.PENDING))
        .order_by()
        .values("registration_id")
        .annotate(n=Count("id", distinct=True))
        .values_list(kind("awaiting"), "registration_id", nothing, nothing, "n")
    )
    plan: dict[int, set[int]] = defaultdict(set)
    met_rows, awaiting, may_carry = [], {}, set()
    for row_kind, registration_id, unit_id, pathway_id, n in plans.union(met_decisions(ids), awaiting_review, all=True):
        if row_kind == "plan":
            plan[registration_id].add(unit_id)
            if n:
                may_carry.add(registration_id)
        elif row_kind == "met":
            met_rows.append((registration_id, unit_id, pathway_id, n))
        else:
            awaiting[registration_id] = n
    # A carried unit that still counts is met as it was in its source registration.
    carried = {}
    if may_carry:
        carried = {key: carry for key, carry in carried_units(sorted(may_carry)).items() if carry.counts}
    sources = {carry.source_registration_id for carry in carried.values()} - set(ids)
    if sources:
        met_rows += [tuple(row[1:]) for row in met_decisions(sorted(sources))]
    met_in_unit = {(registration_id, unit_id, pathway_id): n for registration_id, unit_id, pathway_id, n in met_rows}
    met: dict[int, int] = defaultdict(int)
    for registration_id in ids:
        for unit_id in plan[registration_id]:
            carry = carried.get((registration_id, unit_id))
            source_id = carry.source_registration_id if carry is not None else registration_id
            for pathway_id in {None, pathway_of[registration_id]}:
                met[registration_id] += met_in_unit.get((source_id, unit_id, pathway_id), 0)
    all_units = set().union(*plan.values()) if plan else set()
    counts = cached_catalogue().criteria_counts(all_units)
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
