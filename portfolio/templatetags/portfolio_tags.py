"""Labels and colours for criterion states and judgements on the portfolio pages."""

from django import template

from portfolio.history import describe
from portfolio.models import CountersignStatus, Evidence, EvidenceLink
from portfolio.progress import CriterionState
from portfolio.services.judgement.state import DisplayState, state_of

register = template.Library()

_STATE_CLASSES = {
    CriterionState.MET: "status-badge status-badge-met",
    CriterionState.AWAITING_COUNTERSIGNATURE: "status-badge status-badge-info",
    CriterionState.AWAITING_REVIEW: "status-badge status-badge-pending",
    CriterionState.ACCEPTED: "status-badge status-badge-info",
    CriterionState.NO_EVIDENCE: "status-badge status-badge-none",
    CriterionState.NOT_REQUIRED: "status-badge status-badge-none",
}
_LINK_CLASSES = {
    EvidenceLink.Status.PENDING: "status-badge status-badge-pending",
    EvidenceLink.Status.ACCEPTED: "status-badge status-badge-met",
    EvidenceLink.Status.REJECTED: "status-badge status-badge-danger",
}
_EVIDENCE_CLASSES = {
    Evidence.Status.DRAFT: "status-badge status-badge-none",
    Evidence.Status.SUBMITTED: "status-badge status-badge-info",
    Evidence.Status.WITHDRAWN: "status-badge status-badge-none",
}


@register.filter
def state_class(state: str) -> str:
    return _STATE_CLASSES.get(state, "status-badge status-badge-none")


@register.filter
def link_class(status: str) -> str:
    return _LINK_CLASSES.get(status, "status-badge status-badge-none")


@register.filter
def evidence_class(status: str) -> str:
    return _EVIDENCE_CLASSES.get(status, "status-badge status-badge-none")


@register.filter
def awaiting_countersignature(obj) -> bool:
    return getattr(obj, "countersign_status", None) == CountersignStatus.AWAITING


@register.filter
def evidence_state(evidence, links=None) -> DisplayState:
    """What the evidence shows as its state (portfolio.services.judgement.state): from the link counts a list
    annotated, or from the links a detail page holds (`evidence|evidence_state:links`)."""
    return state_of(evidence, links)


@register.filter
def history_text(event) -> str:
    """An entry of the evidence history in the reader's language (portfolio.history)."""
    return describe(event)
