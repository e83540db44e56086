"""Judging links of evidence to criteria: accepted, or rejected with feedback for the learner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from centres.models import record_event
from ledger.services import record as record_in_ledger
from notifications import kinds
from notifications.services import notify
from portfolio.models import CriterionDecision, Evidence, EvidenceLink
from portfolio.services import PortfolioError
from portfolio.services.checks import require_active, require_unlocked

from ._common import _criterion_label, _has_other_accepted, _judging_membership, _met_decision, _reset_countersignature
from .marking import mark_criterion_met

FEEDBACK_MAX = 5000


@transaction.atomic
def judge_link(*, actor, link: EvidenceLink, accepted: bool, feedback: str = "") -> bool:
    """Accept or reject one link (is the evidence valid, authentic, current and sufficient for the criterion?).
    Rejection needs feedback for the learner. Returns False when the same judgement was already recorded."""
    if "\x00" in feedback:
        # Read outside a form (Django's CharField refuses it there); PostgreSQL cannot store it in text.
        raise PortfolioError(_("The feedback contains a NUL character (often pasted from another program); remove it."))
    link = (
        EvidenceLink.objects.select_for_update(of=("self",))
        .select_related("evidence__registration__centre", "criterion__unit")
        .get(pk=link.pk)
    )
    evidence, registration = link.evidence, link.evidence.registration
    require_active(registration)
    membership = _judging_membership(actor, registration)
    if evidence.status != Evidence.Status.SUBMITTED or not evidence.is_current:
        raise PortfolioError(_("Only the current version of submitted evidence can be judged."))
    feedback = (feedback or "").strip()
    if not accepted and not feedback:
        raise PortfolioError(
            _("Say why the evidence does not meet %(criterion_label)s.")
            % {"criterion_label": _criterion_label(link.criterion)}
        )
    if len(feedback) > FEEDBACK_MAX:
        raise PortfolioError(_("Keep feedback to %(FEEDBACK_MAX)s characters.") % {"FEEDBACK_MAX": FEEDBACK_MAX})
    status = EvidenceLink.Status.ACCEPTED if accepted else EvidenceLink.Status.REJECTED
    if link.status == status and link.feedback == feedback and link.judged_by_id == actor.pk:
        return False
    require_unlocked(registration, [link.criterion.unit_id])
    if (
        link.status == EvidenceLink.Status.ACCEPTED
        and not accepted
        and _met_decision(registration.pk, link.criterion_id)
        and not _has_other_accepted(registration.pk, link.criterion_id, excluding_link=link.pk)
    ):
        raise PortfolioError(
            _("%(criterion_label)s is marked met on this evidence alone; unmark it before rejecting.")
            % {"criterion_label": _criterion_label(link.criterion)}
        )
    previous = link.status
    link.status = status
    link.feedback = feedback
    link.judged_by = actor
    link.judged_at = timezone.now()
    _reset_countersignature(link, membership)
    link.save()
    record_in_ledger("judgement", link)
    with translation.override("en"):  # the audit history stays in English
        record_event(
            action="link.judged",
            obj=link,
            actor=actor,
            centre=registration.centre,
            registration_id=registration.pk,
            summary=f"{link.get_status_display()} evidence {evidence.reference} for {_criterion_label(link.criterion)}",
            evidence_reference=evidence.reference,
            evidence_version=evidence.version,
            criterion=_criterion_label(link.criterion),
            criterion_id=link.criterion_id,
            outcome=status,
            previous=previous,
            feedback=feedback,
            countersign_status=link.countersign_status,
        )
    _notify_judged(actor, link, membership)
    return True


def _notify_judged(actor, link: EvidenceLink, membership) -> None:
    """The learner hears of the decision and feedback (once per piece of evidence while unread); a trainee's
    countersignatory hears that a decision waits for them."""
    evidence, registration = link.evidence, link.evidence.registration
    notify(
        registration.learner,
        kinds.EVIDENCE_JUDGED,
        centre=registration.centre,
        title=lambda: gettext("Your assessor judged evidence %(reference)s") % {"reference": evidence.reference},
        url=reverse("portfolio:evidence-detail", args=[evidence.pk]),
        actor=actor,
        subject_object=evidence,
    )
    if membership.needs_countersignature and membership.countersignatory is not None:
        notify(
            membership.countersignatory,
            kinds.COUNTERSIGNATURE_NEEDED,
            centre=registration.centre,
            title=lambda: (
                gettext("A trainee's decision on evidence %(reference)s waits for your countersignature")
                % {"reference": evidence.reference}
            ),
            url=reverse("portfolio:countersign-queue"),
            actor=actor,
            subject_object=evidence,
        )


@dataclass(frozen=True)
class LinkJudgement:
    link_id: int
    accepted: bool
    feedback: str = ""
    mark_met: bool = False


def _with_overall(overall: str, note: str) -> str:
    """A link's feedback: the overall feedback on the piece, then the note on this criterion, if any."""
    return "\n\n".join(part for part in ((overall or "").strip(), (note or "").strip()) if part)


@transaction.atomic
def judge_evidence(
    *, actor, evidence: Evidence, judgements: Iterable[LinkJudgement], feedback: str = ""
) -> tuple[int, int]:
    """Judge several links of one piece of evidence at once, and mark the accepted criteria met where asked.
    `feedback` is the overall feedback on the piece: each judged link keeps it, followed by its own note. All or
    nothing. Returns (links judged, criteria marked met)."""
    judgements = list(judgements)
    if not judgements:
        raise PortfolioError(_("Accept or reject at least one criterion."))
    feedback = (feedback or "").strip()
    if "\x00" in feedback:
        raise PortfolioError(_("The feedback contains a NUL character (often pasted from another program); remove it."))
    links = {link.pk: link for link in evidence.links.select_related("criterion")}
    judged = marked = 0
    for judgement in judgements:
        link = links.get(judgement.link_id)
        if link is None:
            raise PortfolioError(_("One of the criteria judged is not linked to this evidence; nothing was saved."))
        judged += judge_link(
            actor=actor,
            link=link,
            accepted=judgement.accepted,
            feedback=_with_overall(feedback, judgement.feedback),
        )
    for judgement in judgements:
        if judgement.accepted and judgement.mark_met:
            criterion = links[judgement.link_id].criterion
            decision = CriterionDecision.objects.filter(
                registration_id=evidence.registration_id, criterion=criterion, is_met=True
            ).first()
            if decision is None:
                mark_criterion_met(actor=actor, registration=evidence.registration, criterion=criterion)
                marked += 1
    if feedback and judged:
        record_event(
            action="evidence.feedback",
            obj=evidence,
            actor=actor,
            centre=evidence.registration.centre,
            registration_id=evidence.registration_id,
            summary=f"Feedback on evidence {evidence.reference}: {feedback[:200]}",
            evidence_reference=evidence.reference,
            evidence_version=evidence.version,
            feedback=feedback,
            judged=judged,
        )
    return judged, marked


def judge_all(
    *, actor, evidence: Evidence, accepted: bool, feedback: str = "", mark_met: bool = True
) -> tuple[int, int]:
    """Accept, or reject, every criterion the evidence is put forward for, with one feedback (needed to reject)."""
    if not accepted and not (feedback or "").strip():
        raise PortfolioError(_("Say why the evidence is rejected: the learner reads your feedback."))
    judgements = [
        LinkJudgement(link_id=link_id, accepted=accepted, mark_met=mark_met)
        for link_id in evidence.links.order_by("pk").values_list("pk", flat=True)
    ]
    return judge_evidence(actor=actor, evidence=evidence, judgements=judgements, feedback=feedback)
