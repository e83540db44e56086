"""A registration's plan assembled criterion by criterion: links, evidence and decisions fetched in bulk, the
catalogue from memory, units carried over from another registration read from their source."""

from __future__ import annotations

from collections import defaultdict

from core.compiled import CompiledRead
from portfolio.models import CriterionDecision, Evidence, EvidenceLink, Registration, RegistrationUnit
from qualifications.cache import catalogue as cached_catalogue
from qualifications.models import Unit

from ._common import _shared_statuses
from .carried import CarriedUnit, carried_units, with_carried_marker
from .statuses import CriterionStatus, OutcomeStatus, UnitStatus


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
    if units is None:
        plan_entries = _whole_plan(registration_id=registration.pk)
    else:
        plan_entries = _plan_of_units(registration_id=registration.pk, unit_ids=[unit.pk for unit in units])
    order = catalogue.unit_order(registration.qualification_id)
    for entry in plan_entries:
        # The unit as this qualification numbers it, from the catalogue held in memory (read-only).
        entry.unit = catalogue.unit_in(registration.qualification_id, entry.unit_id)
    plan_entries.sort(key=lambda entry: (order.get(entry.unit_id, 0), entry.unit.reference))
    unit_ids = [entry.unit_id for entry in plan_entries]
    criteria = [criterion for unit_id in unit_ids for criterion in catalogue.criteria_of(unit_id)]
    criterion_ids = [criterion.pk for criterion in criteria]

    # A whole plan reads every link and decision of the registration, in a query of one shape whatever the plan
    # (see core.compiled); those of criteria no longer in the plan are left unread below.
    of_criteria = None if units is None else criterion_ids
    links = _links_with_evidence_and_methods(registration, of_criteria, catalogue.methods)
    if of_criteria is None:
        decisions = _all_decisions(registration_id=registration.pk)
    else:
        decisions = _decisions(registration_id=registration.pk, criterion_ids=of_criteria)

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
        for entry in plan_entries:
            carry = carried.get(entry.unit_id)
            if carry is not None and carry.counts and carry.complete_elsewhere:
                outcomes_by_unit[entry.unit_id] = _met_elsewhere(outcomes_by_unit[entry.unit_id], carry, entry.unit)
    return [
        UnitStatus(entry.unit, entry, outcomes_by_unit.get(entry.unit_id, []), carried.get(entry.unit_id))
        for entry in plan_entries
    ]


_LINK_FIELDS = [field.attname for field in EvidenceLink._meta.concrete_fields]


_EVIDENCE_FIELDS = [field.attname for field in Evidence._meta.concrete_fields]


def _plan_query(registration_id: int):
    return with_carried_marker(RegistrationUnit.objects.filter(registration_id=registration_id))


def _decisions_query(registration_id: int):
    return CriterionDecision.objects.filter(registration_id=registration_id)


# Each read of a whole plan, and the same narrowed to some units or criteria (a sheet, a sample).
_whole_plan = CompiledRead(_plan_query)
_plan_of_units = CompiledRead(lambda registration_id, unit_ids: _plan_query(registration_id).filter(unit__in=unit_ids))
_all_decisions = CompiledRead(_decisions_query)
_decisions = CompiledRead(
    lambda registration_id, criterion_ids: _decisions_query(registration_id).filter(criterion_id__in=criterion_ids)
)


def _link_rows_query(registration_id: int):
    return (
        EvidenceLink.objects.filter(evidence__registration_id=registration_id, evidence__is_current=True)
        .exclude(evidence__status__in=[Evidence.Status.DRAFT, Evidence.Status.WITHDRAWN])
        .order_by()
        .values_list(*_LINK_FIELDS, *(f"evidence__{name}" for name in _EVIDENCE_FIELDS), "evidence__methods")
    )


_all_link_rows = CompiledRead(_link_rows_query)
_link_rows = CompiledRead(
    lambda registration_id, criterion_ids: _link_rows_query(registration_id).filter(criterion_id__in=criterion_ids)
)


def _links_with_evidence_and_methods(registration, criterion_ids: list[int] | None, method_key) -> list[EvidenceLink]:
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
    if criterion_ids is None:
        rows = _all_link_rows(registration_id=registration.pk)
    else:
        rows = _link_rows(registration_id=registration.pk, criterion_ids=criterion_ids)
    for *values, method_id in rows:
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
        if carry is not None and carry.counts and not carry.complete_elsewhere:
            units_by_source[carry.source_registration_id].append(entry.unit)
    result = {}
    for source in Registration.objects.filter(pk__in=list(units_by_source)):
        for status in _assemble_unit_statuses(source, units_by_source[source.pk], with_carried=False):
            result[status.unit.pk] = status.outcomes
    return result


def _met_elsewhere(outcomes: list[OutcomeStatus], carry: CarriedUnit, unit: Unit) -> list[OutcomeStatus]:
    """A unit signed off at another centre: each required criterion met by its decision there, read-only (no
    links here; the evidence is the imported files)."""
    return [
        OutcomeStatus(
            outcome.outcome,
            [
                CriterionStatus(
                    criterion=status.criterion,
                    required=status.required,
                    decision=carry.original_decisions.get(f"{unit.reference} {status.criterion.code}")
                    if status.required
                    else None,
                    wording=status.wording,
                )
                for status in outcome.criteria
            ],
        )
        for outcome in outcomes
    ]


def unit_status(registration: Registration, unit: Unit) -> UnitStatus:
    statuses = unit_statuses(registration, [unit])
    if not statuses:
        raise LookupError(f"{unit.reference} is not on this learner's plan")
    return statuses[0]
