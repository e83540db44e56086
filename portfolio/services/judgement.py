"""The assessor's judgement: accepting or rejecting each link of evidence to a criterion, marking criteria met
(or unmarking them before sign-off), and the countersignature a trainee assessor's decisions need.

A decision made by an assessor who is working towards their award waits, as "awaiting countersignature", for
the countersignatory named on their membership, who confirms or overturns it. Until then it is not final:
portfolio.progress does not count it as met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from centres import conflicts
from centres.access import membership_for, memberships_of
from centres.models import CompetenceStatus, Membership, Role, record_event
from portfolio.models import CountersignStatus, CriterionDecision, Evidence, EvidenceLink, Registration
from qualifications.models import AssessmentCriterion

from . import AlreadyDone, NotAllowed, PortfolioError
from .checks import (
    assessor_membership,
    criteria_on_plan,
    require_active,
    require_identity_confirmed,
    require_unlocked,
)

FEEDBACK_MAX = 5000


def _criterion_label(criterion: AssessmentCriterion) -> str:
    return f"{criterion.unit.reference} {criterion.code}"


def _judging_membership(actor, registration: Registration, act: str = conflicts.Act.JUDGE) -> Membership:
    membership = assessor_membership(actor, registration)
    if membership is None:
        raise NotAllowed("Only the learner's assessor may judge evidence and mark criteria met.")
    if problem := conflicts.interest_conflict(actor, registration, act):
        raise NotAllowed(problem)
    if membership.needs_countersignature and membership.countersignatory_id is None:
        raise PortfolioError(
            "You are working towards your assessor award and have no countersignatory; ask your centre admin to "
            "name one before you make decisions."
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


@transaction.atomic
def judge_link(*, actor, link: EvidenceLink, accepted: bool, feedback: str = "") -> bool:
    """Accept or reject one link (is the evidence valid, authentic, current and sufficient for the criterion?).
    Rejection needs feedback for the learner. Returns False when the same judgement was already recorded."""
    if "\x00" in feedback:
        # Read outside a form (Django's CharField refuses it there); PostgreSQL cannot store it in text.
        raise PortfolioError("The feedback contains a NUL character (often pasted from another program); remove it.")
    link = (
        EvidenceLink.objects.select_for_update(of=("self",))
        .select_related("evidence__registration__centre", "criterion__unit")
        .get(pk=link.pk)
    )
    evidence, registration = link.evidence, link.evidence.registration
    require_active(registration)
    membership = _judging_membership(actor, registration)
    if evidence.status != Evidence.Status.SUBMITTED or not evidence.is_current:
        raise PortfolioError("Only the current version of submitted evidence can be judged.")
    feedback = (feedback or "").strip()
    if not accepted and not feedback:
        raise PortfolioError(f"Say why the evidence does not meet {_criterion_label(link.criterion)}.")
    if len(feedback) > FEEDBACK_MAX:
        raise PortfolioError(f"Keep feedback to {FEEDBACK_MAX} characters.")
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
            f"{_criterion_label(link.criterion)} is marked met on this evidence alone; unmark it before rejecting."
        )
    previous = link.status
    link.status = status
    link.feedback = feedback
    link.judged_by = actor
    link.judged_at = timezone.now()
    _reset_countersignature(link, membership)
    link.save()
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
    return True


@dataclass(frozen=True)
class LinkJudgement:
    link_id: int
    accepted: bool
    feedback: str = ""
    mark_met: bool = False


@transaction.atomic
def judge_evidence(*, actor, evidence: Evidence, judgements: Iterable[LinkJudgement]) -> tuple[int, int]:
    """Judge several links of one piece of evidence at once, and mark the accepted criteria met where asked.
    All or nothing. Returns (links judged, criteria marked met)."""
    judgements = list(judgements)
    if not judgements:
        raise PortfolioError("Accept or reject at least one criterion.")
    links = {link.pk: link for link in evidence.links.select_related("criterion")}
    judged = marked = 0
    for judgement in judgements:
        link = links.get(judgement.link_id)
        if link is None:
            raise PortfolioError("One of the criteria judged is not linked to this evidence; nothing was saved.")
        judged += judge_link(actor=actor, link=link, accepted=judgement.accepted, feedback=judgement.feedback)
    for judgement in judgements:
        if judgement.accepted and judgement.mark_met:
            criterion = links[judgement.link_id].criterion
            decision = CriterionDecision.objects.filter(
                registration_id=evidence.registration_id, criterion=criterion, is_met=True
            ).first()
            if decision is None:
                mark_criterion_met(actor=actor, registration=evidence.registration, criterion=criterion)
                marked += 1
    return judged, marked


def latest_accepted_date(registration: Registration, criterion: AssessmentCriterion) -> dt.date | None:
    return (
        EvidenceLink.objects.counting()
        .filter(criterion=criterion, evidence__registration=registration)
        .aggregate(latest=Max("evidence__date"))["latest"]
    )


@transaction.atomic
def mark_criterion_met(
    *, actor, registration: Registration, criterion: AssessmentCriterion, met_on: dt.date | None = None
) -> CriterionDecision:
    """Mark a criterion met, on the date given or else the date of the latest accepted evidence for it."""
    registration = (
        Registration.objects.select_for_update(of=("self",)).select_related("centre", "learner").get(pk=registration.pk)
    )
    require_active(registration)
    membership = _judging_membership(actor, registration, conflicts.Act.MARK_MET)
    require_identity_confirmed(registration)
    (criterion,) = criteria_on_plan(registration, [criterion.pk])
    require_unlocked(registration, [criterion.unit_id])
    latest = latest_accepted_date(registration, criterion)
    if latest is None:
        raise PortfolioError(f"{_criterion_label(criterion)} has no accepted evidence yet; accept evidence first.")
    met_on = met_on or latest
    if met_on > timezone.localdate():
        raise PortfolioError("The date met cannot be in the future.")
    decision = (
        CriterionDecision.objects.select_for_update(of=("self",))
        .filter(registration=registration, criterion=criterion)
        .first()
    )
    previous = None
    if decision is None:
        decision = CriterionDecision(registration=registration, criterion=criterion)
    else:
        if decision.is_met and decision.met_on == met_on and decision.decided_by_id == actor.pk:
            raise AlreadyDone(f"{_criterion_label(criterion)} is already marked met on {met_on:%d/%m/%Y}.", decision)
        previous = {"is_met": decision.is_met, "met_on": decision.met_on.isoformat() if decision.met_on else None}
    decision.is_met = True
    decision.met_on = met_on
    decision.decided_by = actor
    decision.decided_at = timezone.now()
    _reset_countersignature(decision, membership)
    decision.save()
    record_event(
        action="criterion.marked_met",
        obj=decision,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Marked {_criterion_label(criterion)} met on {met_on:%d/%m/%Y}",
        criterion=_criterion_label(criterion),
        criterion_id=criterion.pk,
        met_on=met_on.isoformat(),
        previous=previous,
        countersign_status=decision.countersign_status,
    )
    return decision


@transaction.atomic
def unmark_criterion(
    *, actor, registration: Registration, criterion: AssessmentCriterion, reason: str = ""
) -> CriterionDecision:
    """Withdraw a criterion's "met" before the unit is signed off. The earlier decision stays in the history."""
    registration = Registration.objects.select_for_update(of=("self",)).select_related("centre").get(pk=registration.pk)
    require_active(registration)
    _judging_membership(actor, registration, conflicts.Act.MARK_MET)
    (criterion,) = criteria_on_plan(registration, [criterion.pk])
    require_unlocked(registration, [criterion.unit_id])
    decision = (
        CriterionDecision.objects.select_for_update(of=("self",))
        .filter(registration=registration, criterion=criterion)
        .first()
    )
    if decision is None or not decision.is_met:
        raise AlreadyDone(f"{_criterion_label(criterion)} is not marked met.", decision)
    previous = {"met_on": decision.met_on.isoformat() if decision.met_on else None, "by": decision.decided_by_id}
    decision.is_met = False
    decision.decided_by = actor
    decision.decided_at = timezone.now()
    # Unmarking is the cautious direction: it needs no countersignature.
    decision.countersign_status = CountersignStatus.NOT_REQUIRED
    decision.countersigned_by = None
    decision.countersigned_at = None
    decision.countersign_note = ""
    decision.save()
    record_event(
        action="criterion.unmarked",
        obj=decision,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Unmarked {_criterion_label(criterion)}" + (f": {reason.strip()}" if reason.strip() else ""),
        criterion=_criterion_label(criterion),
        criterion_id=criterion.pk,
        reason=(reason or "").strip(),
        previous=previous,
    )
    return decision


# --- countersignature -----------------------------------------------------------------------------------------


def supervised_pairs(user) -> list[tuple[int, int]]:
    """(trainee user id, centre id) for each trainee assessor whose decisions this user countersigns, at centres
    where this user is an active qualified assessor."""
    qualified_centres = memberships_of(user).filter(role=Role.ASSESSOR, status=CompetenceStatus.QUALIFIED)
    return list(
        Membership.objects.active()
        .filter(
            role=Role.ASSESSOR,
            status=CompetenceStatus.WORKING_TOWARDS,
            countersignatory=user,
            centre_id__in=qualified_centres.values("centre_id"),
        )
        .values_list("user_id", "centre_id")
    )


def _supervised_q(pairs, maker_field: str, centre_field: str) -> Q:
    scope = Q(pk__in=[])
    for user_id, centre_id in pairs:
        scope |= Q(**{maker_field: user_id, centre_field: centre_id})
    return scope


def links_awaiting_countersignature(user) -> QuerySet[EvidenceLink]:
    pairs = supervised_pairs(user)
    return EvidenceLink.objects.filter(
        _supervised_q(pairs, "judged_by_id", "evidence__registration__centre_id"),
        countersign_status=CountersignStatus.AWAITING,
    )


def decisions_awaiting_countersignature(user) -> QuerySet[CriterionDecision]:
    pairs = supervised_pairs(user)
    return CriterionDecision.objects.filter(
        _supervised_q(pairs, "decided_by_id", "registration__centre_id"),
        countersign_status=CountersignStatus.AWAITING,
    )


def _require_countersignatory(actor, maker, registration: Registration) -> None:
    membership = membership_for(maker, registration.centre_id, Role.ASSESSOR)
    qualified = membership_for(actor, registration.centre_id, Role.ASSESSOR)
    if (
        membership is None
        or membership.countersignatory_id != actor.pk
        or qualified is None
        or qualified.needs_countersignature
    ):
        raise NotAllowed("Only the qualified assessor named as this assessor's countersignatory may countersign.")
    problem = conflicts.own_decision_conflict(actor, maker) or conflicts.interest_conflict(
        actor, registration, conflicts.Act.COUNTERSIGN
    )
    if problem:
        raise NotAllowed(problem)


def _countersign(obj, *, actor, confirm: bool, note: str) -> None:
    note = (note or "").strip()
    if not confirm and not note:
        raise PortfolioError("Say why you overturn the decision; the assessor and the history keep your note.")
    obj.countersign_status = CountersignStatus.CONFIRMED if confirm else CountersignStatus.OVERTURNED
    obj.countersigned_by = actor
    obj.countersigned_at = timezone.now()
    obj.countersign_note = note


@transaction.atomic
def countersign_link(*, actor, link: EvidenceLink, confirm: bool, note: str = "") -> EvidenceLink:
    """Confirm a trainee's judgement of a link, or overturn it: the link then awaits review again."""
    link = (
        EvidenceLink.objects.select_for_update(of=("self",))
        .select_related("evidence__registration__centre", "criterion__unit", "judged_by")
        .get(pk=link.pk)
    )
    registration = link.evidence.registration
    if link.countersign_status != CountersignStatus.AWAITING:
        raise AlreadyDone("This judgement is not awaiting countersignature.", link)
    _require_countersignatory(actor, link.judged_by, registration)
    require_unlocked(registration, [link.criterion.unit_id])
    judged = link.get_status_display()
    if (
        not confirm
        and link.status == EvidenceLink.Status.ACCEPTED
        and _met_decision(registration.pk, link.criterion_id)
        and not _has_other_accepted(registration.pk, link.criterion_id, excluding_link=link.pk)
    ):
        raise PortfolioError(
            f"{_criterion_label(link.criterion)} is marked met on this evidence alone; overturn that decision first."
        )
    _countersign(link, actor=actor, confirm=confirm, note=note)
    if not confirm:
        link.status = EvidenceLink.Status.PENDING
        link.judged_at = None
    link.save()
    record_event(
        action="link.countersigned",
        obj=link,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{'Confirmed' if confirm else 'Overturned'} “{judged}” of evidence {link.evidence.reference} for "
        f"{_criterion_label(link.criterion)}",
        evidence_reference=link.evidence.reference,
        evidence_version=link.evidence.version,
        criterion=_criterion_label(link.criterion),
        criterion_id=link.criterion_id,
        outcome=link.countersign_status,
        judged=judged,
        judged_by=link.judged_by_id,
        note=link.countersign_note,
    )
    return link


@transaction.atomic
def countersign_decision(*, actor, decision: CriterionDecision, confirm: bool, note: str = "") -> CriterionDecision:
    """Confirm a trainee's "met", or overturn it: the criterion is then not met."""
    decision = (
        CriterionDecision.objects.select_for_update(of=("self",))
        .select_related("registration__centre", "criterion__unit", "decided_by")
        .get(pk=decision.pk)
    )
    registration = decision.registration
    if decision.countersign_status != CountersignStatus.AWAITING:
        raise AlreadyDone("This decision is not awaiting countersignature.", decision)
    _require_countersignatory(actor, decision.decided_by, registration)
    require_unlocked(registration, [decision.criterion.unit_id])
    _countersign(decision, actor=actor, confirm=confirm, note=note)
    if not confirm:
        decision.is_met = False
    decision.save()
    record_event(
        action="decision.countersigned",
        obj=decision,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{'Confirmed' if confirm else 'Overturned'} “met” for {_criterion_label(decision.criterion)}",
        criterion=_criterion_label(decision.criterion),
        criterion_id=decision.criterion_id,
        outcome=decision.countersign_status,
        decided_by=decision.decided_by_id,
        met_on=decision.met_on.isoformat() if decision.met_on else None,
        note=decision.countersign_note,
    )
    return decision
