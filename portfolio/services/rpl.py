"""Recognition of prior learning (RPL): a claim recorded by the learner's assessor, their decision, the IQA's check.

A claim is a piece of evidence with the method RPL, linked to the criteria it covers, so that an accepted criterion
is met in the ordinary way and the sheet shows its method as RPL with the evidence reference. The judgement and
the marking met go through the judgement services, with every rule they hold (locks, countersigning, identity)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres import conflicts
from centres.access import has_role
from centres.models import Role, record_event
from portfolio.models import CriterionDecision, Registration, RplClaim
from qualifications.models import AssessmentMethod

from . import NotAllowed, PortfolioError
from .checks import criteria_on_plan, is_assessor, require_active, require_unlocked
from .evidence import create_evidence, link_criteria, submit_evidence
from .judgement import judge_link, mark_criterion_met

RPL_METHOD = "RPL"


class RplError(PortfolioError):
    pass


@transaction.atomic
def claim_rpl(
    *, actor, registration: Registration, title: str, date: dt.date | None, prior_learning: str, criteria: Iterable
) -> RplClaim:
    """Record an RPL claim against criteria of the learner's plan. The files seen are added to its evidence."""
    require_active(registration)
    if not is_assessor(actor, registration):
        raise NotAllowed(_("Only the learner's assessor records an RPL claim."))
    prior_learning = prior_learning.strip()
    if not prior_learning:
        raise RplError(_("Describe the prior certificates or experience claimed."))
    chosen = criteria_on_plan(registration, list(criteria))
    if not chosen:
        raise RplError(_("Choose the criteria the prior learning covers."))
    require_unlocked(registration, {criterion.unit_id for criterion in chosen})
    method = AssessmentMethod.objects.filter(code=RPL_METHOD).first()
    if method is None:
        raise RplError(_("The catalogue has no RPL assessment method; load the catalogue first."))
    evidence = create_evidence(
        actor=actor,
        registration=registration,
        title=title,
        date=date,
        methods=[method],
        description=prior_learning,
    )
    link_criteria(actor=actor, evidence=evidence, add=[criterion.pk for criterion in chosen])
    submit_evidence(actor=actor, evidence=evidence)
    claim = RplClaim.objects.create(
        registration=registration, evidence=evidence, prior_learning=prior_learning, created_by=actor
    )
    codes = [f"{criterion.unit.reference} {criterion.code}" for criterion in chosen]
    record_event(
        action="rpl.claimed",
        obj=claim,
        actor=actor,
        registration=registration,
        summary=f"RPL claimed (evidence {evidence.reference}) for {', '.join(codes)}",
        evidence_reference=evidence.reference,
        prior_learning=prior_learning,
        criteria=codes,
    )
    return claim


@transaction.atomic
def decide_rpl(*, actor, claim: RplClaim, accepted: Iterable, note: str) -> RplClaim:
    """The assessor accepts the criteria the prior learning meets (marked met, method RPL) and rejects the others,
    with the reasons in the note."""
    claim = RplClaim.objects.select_for_update(of=("self",)).select_related("registration__centre").get(pk=claim.pk)
    registration = claim.registration
    if claim.is_decided:
        raise RplError(_("This claim is already decided."))
    note = note.strip()
    if not note:
        raise RplError(_("Say why the prior learning meets (or does not meet) the criteria: the IQA and EQA read it."))
    links = list(claim.evidence.links.select_related("criterion__unit").order_by("criterion__unit__reference", "pk"))
    accepted_ids = {int(pk) for pk in accepted}
    if not accepted_ids <= {link.criterion_id for link in links}:
        raise RplError(_("Accept only criteria the claim covers."))
    for link in links:
        judge_link(
            actor=actor,
            link=link,
            accepted=link.criterion_id in accepted_ids,
            feedback="" if link.criterion_id in accepted_ids else note,
        )
    for link in links:
        if (
            link.criterion_id in accepted_ids
            and not CriterionDecision.objects.filter(
                registration=registration, criterion_id=link.criterion_id, is_met=True
            ).exists()
        ):
            mark_criterion_met(actor=actor, registration=registration, criterion=link.criterion)
    claim.decided_by, claim.decided_at, claim.decision_note = actor, timezone.now(), note
    claim.save(update_fields=["decided_by", "decided_at", "decision_note"])
    codes = {link.criterion_id: f"{link.criterion.unit.reference} {link.criterion.code}" for link in links}
    record_event(
        action="rpl.decided",
        obj=claim,
        actor=actor,
        registration=registration,
        summary=f"RPL claim (evidence {claim.evidence.reference}) decided: "
        f"{len(accepted_ids)} of {len(links)} criteria accepted",
        accepted=[codes[pk] for pk in codes if pk in accepted_ids],
        rejected=[codes[pk] for pk in codes if pk not in accepted_ids],
        note=note,
    )
    return claim


def may_check_rpl(user, claim: RplClaim) -> bool:
    registration = claim.registration
    return registration.iqa_id == user.pk and has_role(user, Role.IQA, registration.centre)


@transaction.atomic
def check_rpl(*, actor, claim: RplClaim, outcome: str, note: str) -> RplClaim:
    """The learner's IQA checks the assessor's RPL decision: agrees, or disagrees saying why."""
    claim = RplClaim.objects.select_for_update(of=("self",)).select_related("registration__centre").get(pk=claim.pk)
    if not may_check_rpl(actor, claim):
        raise NotAllowed(_("Only the learner's IQA checks an RPL decision."))
    if not claim.is_decided:
        raise RplError(_("The assessor has not decided this claim yet."))
    problem = conflicts.iqa_conflict(
        actor, claim.registration, conflicts.Act.CHECK_RPL, involved=claim.decided_by_id == actor.pk
    )
    if problem:
        raise NotAllowed(problem)
    if claim.iqa_check:
        raise RplError(
            _("%(iqa_checked_by)s has already checked this decision.") % {"iqa_checked_by": claim.iqa_checked_by}
        )
    if outcome not in RplClaim.Check.values:
        raise RplError(_("Say whether you agree with the decision."))
    note = note.strip()
    if outcome == RplClaim.Check.DISAGREE and not note:
        raise RplError(_("Say why you disagree, and what the assessor should do."))
    claim.iqa_check, claim.iqa_checked_by, claim.iqa_checked_at, claim.iqa_note = outcome, actor, timezone.now(), note
    claim.save(update_fields=["iqa_check", "iqa_checked_by", "iqa_checked_at", "iqa_note"])
    with translation.override("en"):  # the audit history stays in English
        record_event(
            action="rpl.checked",
            obj=claim,
            actor=actor,
            centre=claim.registration.centre,
            registration_id=claim.registration_id,
            summary=(
                f"IQA check of the RPL claim (evidence {claim.evidence.reference}): {claim.get_iqa_check_display()}"
            ),
            outcome=outcome,
            note=note,
        )
    return claim
