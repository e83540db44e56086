"""Submitting evidence for assessment and withdrawing it."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from ledger.services import record as record_in_ledger
from notifications import kinds
from notifications.services import notify
from portfolio.models import CriterionDecision, Evidence, EvidenceLink
from portfolio.services import AlreadyDone, PortfolioError
from portfolio.services.checks import (
    can_edit_evidence,
    evidence_unit_ids,
    is_assessor,
    is_learner,
    require,
    require_active,
    require_unlocked,
)

from ._common import _event, _lock_evidence, _require_editable


@transaction.atomic
def submit_evidence(*, actor, evidence: Evidence, declaration: bool = False) -> Evidence:
    """Send a draft for assessment. The learner declares that their own evidence is their own work."""
    evidence = _lock_evidence(evidence)
    if evidence.status == Evidence.Status.SUBMITTED:
        raise AlreadyDone(f"Evidence {evidence.reference} has already been submitted; nothing more to do.", evidence)
    _require_editable(actor, evidence)
    learners_own = is_learner(actor, evidence.registration) and evidence.author_id == actor.pk
    if learners_own and not declaration:
        raise PortfolioError(_("Confirm the declaration that this work is your own before you submit it."))
    links = list(evidence.links.values_list("criterion__unit_id", flat=True))
    if not links:
        raise PortfolioError(_("Link the evidence to at least one criterion before you submit it."))
    if not evidence.description.strip() and not evidence.files.exists():
        raise PortfolioError(_("Add a file or a written record before you submit the evidence."))
    require_unlocked(evidence.registration, links)
    now = timezone.now()
    evidence.status = Evidence.Status.SUBMITTED
    evidence.submitted_at = now
    if learners_own:
        evidence.declared_own_work_at = now
    evidence.save(update_fields=["status", "submitted_at", "declared_own_work_at"])
    record_in_ledger("evidence_version", evidence)
    _event(
        "evidence.submitted",
        evidence,
        actor,
        f"Submitted evidence {evidence.reference} for assessment",
        declared_own_work=learners_own,
        links=len(links),
    )
    registration = evidence.registration
    notify(
        registration.assessor,
        kinds.EVIDENCE_SUBMITTED,
        centre=registration.centre,
        title=lambda: (
            gettext("Evidence %(reference)s was submitted for you to assess") % {"reference": evidence.reference}
        ),
        url=reverse("portfolio:evidence-judge", args=[evidence.pk]),
        actor=actor,
        subject_object=evidence,
    )
    return evidence


def _criteria_resting_on(evidence: Evidence) -> list[str]:
    """Criteria marked met for which this evidence holds the only accepted link of current evidence."""
    accepted = list(evidence.links.filter(status=EvidenceLink.Status.ACCEPTED).select_related("criterion__unit"))
    if not accepted:
        return []
    met = set(
        CriterionDecision.objects.filter(
            registration_id=evidence.registration_id,
            criterion_id__in=[link.criterion_id for link in accepted],
            is_met=True,
        ).values_list("criterion_id", flat=True)
    )
    others = set(
        EvidenceLink.objects.counting()
        .filter(criterion_id__in=met, evidence__registration_id=evidence.registration_id)
        .exclude(evidence=evidence)
        .values_list("criterion_id", flat=True)
    )
    return [
        f"{link.criterion.unit.reference} {link.criterion.code}"
        for link in accepted
        if link.criterion_id in met and link.criterion_id not in others
    ]


@transaction.atomic
def withdraw_evidence(*, actor, evidence: Evidence, reason: str) -> Evidence:
    """Withdraw evidence: it stays in the portfolio and its history, no longer counts, and its reference is
    never given to other evidence."""
    evidence = _lock_evidence(evidence)
    if evidence.status == Evidence.Status.WITHDRAWN:
        raise AlreadyDone(f"Evidence {evidence.reference} has already been withdrawn.", evidence)
    registration = evidence.registration
    require_active(registration)
    require(
        can_edit_evidence(actor, evidence) or is_assessor(actor, registration),
        "Only the learner who made this evidence or their assessor may withdraw it.",
    )
    reason = (reason or "").strip()
    if not reason:
        raise PortfolioError(_("Say why the evidence is being withdrawn."))
    require_unlocked(registration, evidence_unit_ids(evidence))
    resting = _criteria_resting_on(evidence)
    if resting:
        raise PortfolioError(
            ngettext(
                "%(join)s is marked met on this evidence alone; the assessor must unmark it first.",
                "%(join)s are marked met on this evidence alone; the assessor must unmark them first.",
                len(resting),
            )
            % {"join": ", ".join(resting)}
        )
    evidence.status = Evidence.Status.WITHDRAWN
    evidence.withdrawn_at = timezone.now()
    evidence.withdrawn_by = actor
    evidence.withdrawal_reason = reason
    evidence.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    _event("evidence.withdrawn", evidence, actor, f"Withdrew evidence {evidence.reference}: {reason}", reason=reason)
    return evidence
