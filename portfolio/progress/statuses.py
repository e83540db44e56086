"""The structure every reader of a learner's standing shares: each criterion's state, grouped by outcome and unit.

Built once per read from rows fetched in bulk and never changed afterwards (a change to the portfolio builds a new
one), so what is derived from it (a criterion's state, a unit's counts) is worked out once, on first reading
(cached_property): a sheet or a home page asks the same question of each criterion several times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext, gettext_noop

from portfolio.models import CountersignStatus, CriterionDecision, Evidence, EvidenceLink, RegistrationUnit
from qualifications.models import AssessmentCriterion, LearningOutcome, Unit

from .carried import CarriedUnit

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

    @cached_property
    def met(self) -> bool:
        return self.required and self.decision is not None and self.decision.is_met and self.decision.is_final

    @property
    def met_on(self) -> dt.date | None:
        return self.decision.met_on if self.met else None

    @cached_property
    def accepted_links(self) -> list[EvidenceLink]:
        return [link for link in self.links if link.status == EvidenceLink.Status.ACCEPTED]

    @cached_property
    def pending_links(self) -> list[EvidenceLink]:
        return [link for link in self.links if link.status == EvidenceLink.Status.PENDING]

    @cached_property
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

    @cached_property
    def accepted_evidence(self) -> list[Evidence]:
        seen: dict[int, Evidence] = {}
        for link in self.accepted_links:
            seen.setdefault(link.evidence.reference, link.evidence)
        return [seen[reference] for reference in sorted(seen)]

    @cached_property
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


@dataclass
class UnitStatus:
    unit: Unit
    plan_entry: RegistrationUnit
    outcomes: list[OutcomeStatus]
    carried: CarriedUnit | None = None

    @cached_property
    def criteria(self) -> list[CriterionStatus]:
        return [status for outcome in self.outcomes for status in outcome.criteria]

    @cached_property
    def required(self) -> int:
        return sum(1 for status in self.criteria if status.required)

    @cached_property
    def met(self) -> int:
        return sum(1 for status in self.criteria if status.met)

    @cached_property
    def awaiting_review(self) -> int:
        return sum(1 for status in self.criteria if status.state == CriterionState.AWAITING_REVIEW)

    @cached_property
    def gaps(self) -> list[CriterionStatus]:
        return [status for status in self.criteria if status.state == CriterionState.NO_EVIDENCE]

    @property
    def complete(self) -> bool:
        return self.required > 0 and self.met == self.required

    @property
    def locked(self) -> bool:
        return self.plan_entry.locked_at is not None
