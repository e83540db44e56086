"""What a piece of evidence shows as its state, one rule for every page: its stored status says only whether the
learner submitted it; after judging, the learner and the staff need to see what the judgements came to."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portfolio.models import Evidence, EvidenceLink


@dataclass(frozen=True)
class DisplayState:
    code: str
    label: str
    css: str

    def __str__(self) -> str:
        return str(self.label)


DRAFT = DisplayState("draft", _("Draft"), "status-badge status-badge-none")
WITHDRAWN = DisplayState("withdrawn", _("Withdrawn"), "status-badge status-badge-none")
REPLACED = DisplayState("replaced", _("Replaced by a new version"), "status-badge status-badge-none")
SUBMITTED = DisplayState("submitted", _("Submitted"), "status-badge status-badge-info")
PARTLY_JUDGED = DisplayState("partly_judged", _("Partly judged"), "status-badge status-badge-pending")
ACCEPTED = DisplayState("accepted", _("Accepted"), "status-badge status-badge-met")
PARTLY_ACCEPTED = DisplayState("partly_accepted", _("Partly accepted"), "status-badge status-badge-info")
NEEDS_NEW_VERSION = DisplayState("needs_new_version", _("Needs a new version"), "status-badge status-badge-danger")


def display_state(
    *, status: str, is_current: bool, accepted: int = 0, rejected: int = 0, pending: int = 0
) -> DisplayState:
    """The state from the evidence's status and how many of its links are accepted, rejected or awaiting review."""
    if status == Evidence.Status.DRAFT:
        return DRAFT
    if status == Evidence.Status.WITHDRAWN:
        return WITHDRAWN
    if not is_current:
        return REPLACED
    if pending:
        return PARTLY_JUDGED if accepted or rejected else SUBMITTED
    if accepted and rejected:
        return PARTLY_ACCEPTED
    if accepted:
        return ACCEPTED
    if rejected:
        return NEEDS_NEW_VERSION
    return SUBMITTED


def state_of(evidence: Evidence, links=None) -> DisplayState:
    """The evidence's state from the link counts a list annotated (links_accepted, links_rejected, links_pending),
    or from its links when given (a detail page that holds them already). Reads no more from the database."""
    if links is not None:
        statuses = [link.status for link in links]
        counts = {status: statuses.count(status) for status in EvidenceLink.Status.values}
        accepted = counts[EvidenceLink.Status.ACCEPTED]
        rejected = counts[EvidenceLink.Status.REJECTED]
        pending = counts[EvidenceLink.Status.PENDING]
    else:
        accepted = getattr(evidence, "links_accepted", 0)
        rejected = getattr(evidence, "links_rejected", 0)
        pending = getattr(evidence, "links_pending", 0)
    return display_state(
        status=evidence.status, is_current=evidence.is_current, accepted=accepted, rejected=rejected, pending=pending
    )
