"""Marking a criterion met on its accepted evidence, or unmarking it before sign-off."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from centres import conflicts
from centres.models import record_event
from ledger.services import record as record_in_ledger
from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink, Registration
from portfolio.services import AlreadyDone, PortfolioError
from portfolio.services.checks import criteria_on_plan, require_active, require_identity_confirmed, require_unlocked
from qualifications.models import AssessmentCriterion

from ._common import _criterion_label, _judging_membership, _reset_countersignature


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
        raise PortfolioError(
            _("%(criterion_label)s has no accepted evidence yet; accept evidence first.")
            % {"criterion_label": _criterion_label(criterion)}
        )
    met_on = met_on or latest
    if met_on > timezone.localdate():
        raise PortfolioError(_("The date met cannot be in the future."))
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
    record_in_ledger("decision", decision)
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
    record_in_ledger("decision", decision)
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
