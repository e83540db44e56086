"""What an IQA may sample: each unit's decisions to review, and why a unit cannot be sampled a given way."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from centres import conflicts
from centres.models import User
from portfolio.models import CriterionDecision, Evidence, EvidenceLink, Registration
from portfolio.progress import UnitStatus, unit_statuses
from qualifications.models import AssessmentCriterion, Unit
from quality.models import SampleKind, SampleRecord, SamplingPlan
from quality.selectors import pending_summative_units
from quality.services.errors import ConflictOfInterest, SampleError
from quality.services.plans import require_iqa
from tracking.models import SignatureRole
from tracking.selectors import SignOffState, signoff_states


@dataclass
class ReviewItem:
    """One assessment decision the IQA can give an outcome for."""

    key: str  # "link-<id>" or "decision-<id>": the form field's name
    unit: Unit
    criterion: AssessmentCriterion
    link: EvidenceLink | None
    decision: CriterionDecision | None
    maker: User | None
    countersigner: User | None
    evidence: list[Evidence]
    conflict: bool  # the IQA made or countersigned it

    @property
    def is_judgement(self) -> bool:
        return self.link is not None

    @property
    def description(self) -> str:
        if self.link is not None:
            return f"Evidence {self.link.evidence.reference} judged {self.link.get_status_display().lower()}"
        if self.decision.is_met:
            met_on = f" on {self.decision.met_on:%d %b %Y}" if self.decision.met_on else ""
            return f"Criterion marked met{met_on}"
        return "Criterion marked not met"

    @property
    def methods(self) -> set[str]:
        return {method.code for evidence in self.evidence for method in evidence.methods.all()}


@dataclass
class ReviewUnit:
    unit: Unit
    status: UnitStatus
    state: SignOffState
    items: list[ReviewItem] = field(default_factory=list)
    why_not: str = ""  # why this unit cannot be sampled this way, empty when it can

    @property
    def eligible(self) -> bool:
        return not self.why_not

    @property
    def open_items(self) -> list[ReviewItem]:
        return [item for item in self.items if not item.conflict]


def _why_not(kind: str, state: SignOffState, items: list[ReviewItem], pending: SampleRecord | None = None) -> str:
    live = state.live
    if kind == SampleKind.INTERIM:
        if SignatureRole.ASSESSOR in live:
            return "Signed by the assessor: take a summative sample instead."
        if not items:
            return "No assessment decisions yet."
    else:
        if not state.signed_off:
            if SignatureRole.ASSESSOR in live:
                return "Awaiting the countersignatory's signature."
            return "Not signed off yet: take an interim sample instead."
        if state.content_changed:
            return "The sheet has changed since it was signed: the assessor must reopen it."
        if SignatureRole.IQA in live:
            return "Already sampled and signed by an IQA."
        if SignatureRole.EQA in live:
            return "Already signed by the EQS."
        if pending is not None:
            return f"{pending.iqa}'s summative sample of this unit is awaiting countersignature."
    if items and not any(not item.conflict for item in items):
        return "You made or countersigned every decision on this unit: another IQA must sample it."
    return ""


def review_units(*, registration: Registration, kind: str, iqa, units: list[Unit] | None = None) -> list[ReviewUnit]:
    """Each unit of the learner's plan (or the given ones) with the decisions an IQA can review and whether
    the unit can be sampled this way. A fixed number of queries whatever the number of criteria and evidence."""
    statuses = unit_statuses(registration, units)
    states = signoff_states(registration, statuses)
    user_ids = set()
    for status in statuses:
        for criterion_status in status.criteria:
            decision = criterion_status.decision
            if decision is not None:
                user_ids.update(u for u in (decision.decided_by_id, decision.countersigned_by_id) if u)
            for link in criterion_status.links:
                user_ids.update(u for u in (link.judged_by_id, link.countersigned_by_id) if u)
    users = User.objects.in_bulk(user_ids)
    pending = {}
    if kind == SampleKind.SUMMATIVE:
        # A summative sample awaiting countersignature will sign or reopen the unit: nobody samples it meanwhile.
        units = pending_summative_units(registration, [status.unit.pk for status in statuses])
        for sample_unit in units.select_related("sample__iqa"):
            pending[sample_unit.unit_id] = sample_unit.sample
    result = []
    for status in statuses:
        items = []
        for criterion_status in status.criteria:
            if not criterion_status.required:
                continue
            criterion = criterion_status.criterion
            for link in criterion_status.links:
                if link.status == EvidenceLink.Status.PENDING or link.judged_by_id is None:
                    continue
                makers = {link.judged_by_id, link.countersigned_by_id}
                items.append(
                    ReviewItem(
                        key=f"link-{link.pk}",
                        unit=status.unit,
                        criterion=criterion,
                        link=link,
                        decision=None,
                        maker=users.get(link.judged_by_id),
                        countersigner=users.get(link.countersigned_by_id),
                        evidence=[link.evidence],
                        conflict=iqa.pk in makers,
                    )
                )
            decision = criterion_status.decision
            # A decision made at another centre (an imported unit) is no decision of this centre's to sample.
            if decision is not None and decision.pk is not None:
                makers = {decision.decided_by_id, decision.countersigned_by_id}
                items.append(
                    ReviewItem(
                        key=f"decision-{decision.pk}",
                        unit=status.unit,
                        criterion=criterion,
                        link=None,
                        decision=decision,
                        maker=users.get(decision.decided_by_id),
                        countersigner=users.get(decision.countersigned_by_id),
                        evidence=criterion_status.accepted_evidence,
                        conflict=iqa.pk in makers,
                    )
                )
        state = states[status.unit.pk]
        why_not = _why_not(kind, state, items, pending.get(status.unit.pk))
        result.append(ReviewUnit(status.unit, status, state, items, why_not))
    return result


def check_may_sample_learner(*, iqa, plan: SamplingPlan, registration: Registration) -> None:
    """Raise unless the IQA may sample this learner under this plan (IQA of the centre, not their assessor,
    not themselves, no declared interest, the plan's qualification)."""
    require_iqa(iqa, plan.centre)
    if registration.centre_id != plan.centre_id or registration.qualification_id != plan.qualification_id:
        raise SampleError(_("This learner is not on this plan's qualification at this centre."))
    if problem := conflicts.iqa_conflict(iqa, registration, conflicts.Act.SAMPLE):
        raise ConflictOfInterest(problem)
