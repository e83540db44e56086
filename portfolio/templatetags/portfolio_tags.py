"""Labels and colours for criterion states and judgements on the portfolio pages."""

from django import template

from portfolio.models import CountersignStatus, Evidence, EvidenceLink
from portfolio.progress import CriterionState

register = template.Library()

_STATE_CLASSES = {
    CriterionState.MET: "text-bg-success",
    CriterionState.AWAITING_COUNTERSIGNATURE: "text-bg-info",
    CriterionState.AWAITING_REVIEW: "text-bg-warning",
    CriterionState.ACCEPTED: "text-bg-primary",
    CriterionState.NO_EVIDENCE: "text-bg-light border",
    CriterionState.NOT_REQUIRED: "text-bg-secondary",
}
_LINK_CLASSES = {
    EvidenceLink.Status.PENDING: "text-bg-warning",
    EvidenceLink.Status.ACCEPTED: "text-bg-success",
    EvidenceLink.Status.REJECTED: "text-bg-danger",
}
_EVIDENCE_CLASSES = {
    Evidence.Status.DRAFT: "text-bg-light border",
    Evidence.Status.SUBMITTED: "text-bg-primary",
    Evidence.Status.WITHDRAWN: "text-bg-secondary",
}


@register.filter
def state_class(state: str) -> str:
    return _STATE_CLASSES.get(state, "text-bg-light border")


@register.filter
def link_class(status: str) -> str:
    return _LINK_CLASSES.get(status, "text-bg-light border")


@register.filter
def evidence_class(status: str) -> str:
    return _EVIDENCE_CLASSES.get(status, "text-bg-light border")


@register.filter
def awaiting_countersignature(obj) -> bool:
    return getattr(obj, "countersign_status", None) == CountersignStatus.AWAITING


@register.filter
def overturned(obj) -> bool:
    return getattr(obj, "countersign_status", None) == CountersignStatus.OVERTURNED
