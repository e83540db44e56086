"""A learner's portfolio and evidence pages: each page's data in a fixed number of queries, whatever the size of the
portfolio. Criterion states always come from portfolio.progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from centres.models import Event
from core.compiled import CompiledRead
from qualifications.cache import catalogue
from qualifications.models import LearningOutcome, Unit

from ..models import (
    Adjustment,
    CountersignStatus,
    CriterionDecision,
    Evidence,
    EvidenceFile,
    EvidenceLink,
    Registration,
)
from ..progress import CriterionStatus, UnitStatus, unit_statuses
from .methods import _give_methods


def _with_link_counts(evidence: QuerySet[Evidence]) -> QuerySet[Evidence]:
    return evidence.annotate(
        links_total=Count("links", distinct=True),
        links_pending=Count("links", filter=Q(links__status=EvidenceLink.Status.PENDING), distinct=True),
        links_accepted=Count("links", filter=Q(links__status=EvidenceLink.Status.ACCEPTED), distinct=True),
        links_rejected=Count("links", filter=Q(links__status=EvidenceLink.Status.REJECTED), distinct=True),
        files_total=Count("files", distinct=True),
    )


@dataclass
class PortfolioPage:
    registration: Registration
    units: list[UnitStatus]
    evidence: list[Evidence]
    invitations: list

    @cached_property
    def required(self) -> int:
        return sum(unit.required for unit in self.units)

    @cached_property
    def met(self) -> int:
        return sum(unit.met for unit in self.units)

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.required) if self.required else 0

    @property
    def awaiting_review(self) -> int:
        return sum(1 for item in self.evidence if item.status == Evidence.Status.SUBMITTED and item.links_pending)

    @property
    def gaps(self) -> list[tuple[UnitStatus, list[CriterionStatus]]]:
        return [(unit, unit.gaps) for unit in self.units if unit.gaps]

    @property
    def gap_count(self) -> int:
        return sum(len(unit.gaps) for unit in self.units)

    @property
    def returned(self) -> list[Evidence]:
        """Current evidence with rejected links: waiting for a new version."""
        return [item for item in self.evidence if item.links_rejected and item.status == Evidence.Status.SUBMITTED]

    @property
    def drafts(self) -> list[Evidence]:
        return [item for item in self.evidence if item.status == Evidence.Status.DRAFT]


def portfolio_page(registration: Registration, *, details: bool = True) -> PortfolioPage:
    """The learner's portfolio: progress by unit and the current evidence with its link counts. Without `details`
    (the home page's summary) the evidence's methods and the witness invitations are not read."""
    evidence = _portfolio_evidence(details, registration_id=registration.pk)
    invitations = list(registration.witness_invitations.select_related("evidence", "invited_by")) if details else []
    return PortfolioPage(registration, unit_statuses(registration), evidence, invitations)


def _portfolio_evidence_query(details: bool, *, registration_id: int):
    current = Evidence.objects.current().filter(registration_id=registration_id)
    if details:
        evidence = _with_link_counts(current).select_related("author").prefetch_related("methods")
    else:
        # The summary shows what waits for review or for a new version: two counts over the links, no files.
        evidence = current.annotate(
            links_pending=Count("links", filter=Q(links__status=EvidenceLink.Status.PENDING)),
            links_rejected=Count("links", filter=Q(links__status=EvidenceLink.Status.REJECTED)),
        )
    return evidence.order_by("-reference")


_portfolio_evidence = CompiledRead(_portfolio_evidence_query)


@dataclass
class LinkRow:
    link: EvidenceLink
    decision: CriterionDecision | None
    latest_accepted_date: object = None


@dataclass
class EvidencePage:
    evidence: Evidence
    versions: list[Evidence]
    files: list[EvidenceFile]
    rows: list[LinkRow]
    history: list[Event]
    units: list = field(default_factory=list)

    @property
    def latest_feedback(self) -> list[EvidenceLink]:
        return [row.link for row in self.rows if row.link.feedback]

    @property
    def by_unit(self) -> list[LinkedUnit]:
        """The rows by unit and learning outcome, in the rows' order: where the guidance printed for a whole unit
        or outcome is shown once, above its criteria."""
        units: dict[int, LinkedUnit] = {}
        for row in self.rows:
            criterion = row.link.criterion
            unit = units.setdefault(criterion.unit_id, LinkedUnit(criterion.unit))
            if not unit.outcomes or unit.outcomes[-1].outcome.pk != criterion.learning_outcome_id:
                unit.outcomes.append(LinkedOutcome(criterion.learning_outcome))
            unit.outcomes[-1].rows.append(row)
        return list(units.values())


@dataclass
class LinkedOutcome:
    outcome: LearningOutcome
    rows: list[LinkRow] = field(default_factory=list)


@dataclass
class LinkedUnit:
    unit: Unit
    outcomes: list[LinkedOutcome] = field(default_factory=list)


_VERSION_FIELDS = {
    "id",
    "version",
    "status",
    "is_current",
    "created_at",
    "submitted_at",
    "registration_id",
    "reference",
}
_VERSION_ATTNAMES = [f.attname for f in Evidence._meta.concrete_fields if f.attname in _VERSION_FIELDS]


def evidence_page(evidence: Evidence) -> EvidencePage:
    registration = evidence.registration
    # The piece's versions, with this version's methods in the same query (a row per version and method); the
    # methods themselves come from the catalogue's method key held in memory.
    fields = _VERSION_ATTNAMES
    versions: dict[int, Evidence] = {}
    method_ids = set()
    for *values, method_id in _versions(registration_id=registration.pk, reference=evidence.reference):
        version = versions.setdefault(values[0], Evidence.from_db(Evidence.objects.db, fields, values))
        if version.pk == evidence.pk and method_id is not None:
            method_ids.add(method_id)
    _give_methods(evidence, method_ids)
    files = _files(evidence_id=evidence.pk)
    links = _evidence_links(evidence_id=evidence.pk, registration_id=registration.pk)
    for row in (*files, *links):
        row.evidence = evidence  # as evidence.files and evidence.links would have given them
    criteria = catalogue().criteria
    for link in links:
        link.criterion = criteria[link.criterion_id]  # with its unit and learning outcome, read-only
    links.sort(key=lambda link: (link.criterion.unit.reference, link.criterion.order, link.pk))
    criterion_ids = [link.criterion_id for link in links]
    decisions = {
        decision.criterion_id: decision
        for decision in _decisions_of(registration_id=registration.pk, criterion_ids=criterion_ids)
    }
    rows = [LinkRow(link, decisions.get(link.criterion_id), link.latest_accepted_date) for link in links]
    decision_ids = [decision.pk for decision in decisions.values()]
    history = list(
        Event.objects.filter(registration_id=registration.pk)
        .filter(
            Q(data__evidence_reference=evidence.reference)
            | Q(object_type="criteriondecision", object_id__in=decision_ids)
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    return EvidencePage(evidence, list(versions.values()), files, rows, history)


_versions = CompiledRead(
    lambda registration_id, reference: (
        Evidence.objects.filter(registration_id=registration_id, reference=reference)
        .order_by("version", "pk")
        .values_list(*_VERSION_ATTNAMES, "methods")
    )
)
_files = CompiledRead(
    lambda evidence_id: EvidenceFile.objects.filter(evidence_id=evidence_id).select_related("uploaded_by")
)


def _evidence_links_query(evidence_id: int, registration_id: int):
    # Each criterion's latest accepted evidence date (of the learner's current evidence), read with the links.
    latest_accepted = (
        EvidenceLink.objects.counting()
        .filter(criterion_id=OuterRef("criterion_id"), evidence__registration_id=registration_id)
        .order_by()
        .values("criterion_id")
        .annotate(latest=Max("evidence__date"))
        .values("latest")
    )
    # The criteria, their units and outcomes come from the catalogue held in memory (evidence_page), not the query.
    return (
        EvidenceLink.objects.filter(evidence_id=evidence_id)
        .select_related("judged_by", "countersigned_by")
        .annotate(latest_accepted_date=Subquery(latest_accepted))
        .order_by()
    )


_evidence_links = CompiledRead(_evidence_links_query)
_decisions_of = CompiledRead(
    lambda registration_id, criterion_ids: CriterionDecision.objects.filter(
        registration_id=registration_id, criterion_id__in=criterion_ids
    ).select_related("decided_by", "countersigned_by")
)


def latest_feedback(registrations, limit: int = 5) -> list[EvidenceLink]:
    """The most recent judgements with feedback on the learner's current evidence, each with its criterion (and the
    criterion's unit) from the catalogue held in memory, read-only."""
    links = _latest_feedback(limit, registration_ids=[registration.pk for registration in registrations])
    criteria = catalogue().criteria
    for link in links:
        link.criterion = criteria[link.criterion_id]
    return links


_latest_feedback = CompiledRead(
    lambda limit, registration_ids: (
        EvidenceLink.objects.filter(
            evidence__registration_id__in=registration_ids, evidence__is_current=True, judged_at__isnull=False
        )
        .exclude(feedback="")
        .exclude(countersign_status=CountersignStatus.OVERTURNED)
        .select_related("evidence", "judged_by")
        .order_by("-judged_at")[:limit]
    )
)


def approved_adjustments(registration: Registration, unit_ids=None) -> list[Adjustment]:
    """The approved reasonable adjustments and special considerations of a registration (for some units only, when
    given: an adjustment naming no unit applies to all). Two queries, for the judging page, sheets and samples."""
    if unit_ids is None:
        return _approved_adjustments(registration_id=registration.pk)
    return _adjustments_covering(registration_id=registration.pk, unit_ids=sorted(unit_ids))


_approved_adjustments = CompiledRead(
    lambda registration_id: (
        Adjustment.objects.filter(registration_id=registration_id)
        .approved()
        .select_related("decided_by")
        .prefetch_related("units")
        .order_by("decided_at", "pk")
    )
)
_adjustments_covering = CompiledRead(
    lambda registration_id, unit_ids: (
        Adjustment.objects.filter(registration_id=registration_id)
        .covering(unit_ids)
        .select_related("decided_by")
        .prefetch_related("units")
        .order_by("decided_at", "pk")
    )
)
