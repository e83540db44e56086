"""Private helpers shared by the judgement services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from centres import conflicts
from centres.models import Membership
from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink, Registration
from portfolio.services import NotAllowed, PortfolioError
from portfolio.services.checks import assessor_membership
from qualifications.models import AssessmentCriterion


def _criterion_label(criterion: AssessmentCriterion) -> str:
    return f"{criterion.unit.reference} {criterion.code}"


def _judging_membership(actor, registration: Registration, act: str = conflicts.Act.JUDGE) -> Membership:
    membership = assessor_membership(actor, registration)
    if membership is None:
        raise NotAllowed(_("Only the learner's assessor may judge evidence and mark criteria met."))
    if problem := conflicts.interest_conflict(actor, registration, act):
        raise NotAllowed(problem)
    if membership.needs_countersignature and membership.countersignatory_id is None:
        raise PortfolioError(
            _(
                "You are working towards your assessor award and have no "
                "countersignatory; ask your centre admin to name one before you make "
                "decisions."
            )
        )
    return membership


def _countersign_status(membership: Membership) -> str:
    return CountersignStatus.AWAITING if membership.needs_countersignature else CountersignStatus.NOT_REQUIRED


def _reset_countersignature(obj, membership: Membership) -> None:
    obj.countersign_status = _countersign_status(membership)
    obj.countersigned_by = None
    obj.countersigned_at = None
    obj.countersign_note = ""


def _has_other_accepted(registration_id: int, criterion_id: int, excluding_link: int | None = None) -> bool:
    links = EvidenceLink.objects.counting().filter(criterion_id=criterion_id, evidence__registration_id=registration_id)
    if excluding_link is not None:
        links = links.exclude(pk=excluding_link)
    return links.exists()


def _met_decision(registration_id: int, criterion_id: int) -> CriterionDecision | None:
    return CriterionDecision.objects.filter(
        registration_id=registration_id, criterion_id=criterion_id, is_met=True
    ).first()
