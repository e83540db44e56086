"""Who is ready for a certification claim, and why not; the awarding body's CSV; recording claims.

Ready for a full claim: the chosen units satisfy the rules of combination, every unit on the plan is
signed off (the assessor and, where they work towards their award, their countersignatory), the
sampling that the IQA's plan requires is done with final samples (a trainee IQA's sample counts once
countersigned), no IQA sample of the learner awaits countersignature, and no IQA action on the learner is
open. A learner who left early (withdrawn) can be claimed unit certification for the units that were signed
off."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres.hooks import Hook
from centres.models import record_event
from portfolio.models import Registration
from qualifications.models import Unit
from qualifications.services.combination import check_combination
from tracking.models import SignatureRole

from ..models import CertificationClaim, SamplingPlan
from . import certification_facts as facts
from .coverage import coverage
from .eqa import require_centre_admin
from .errors import ClaimError
from .risk import RATE_FULL

IDENTITY_NOT_CONFIRMED = (
    "Identity not confirmed: record the identity check (the proof seen, who checked it and when) before claiming."
)


# Units signed off at another centre and carried over with an imported portfolio (the exchange app answers): each
# counts as achieved only while its original sign-off still verifies through the imported chain.
signed_off_elsewhere = Hook[Callable[[list[int]], dict[tuple[int, int], str]]](
    "Units of these registrations signed off at another centre (registration ids) -> (registration id, unit id) "
    '-> "" when their original sign-off verifies through the imported chain, else what does not; in a fixed '
    "number of queries"
)


def _signed_off_elsewhere(ids: list[int]) -> dict[tuple[int, int], str]:
    result: dict[tuple[int, int], str] = {}
    for answer in signed_off_elsewhere.ask(ids):
        result.update(answer)
    return result


class CertificationState:
    READY = "ready"
    NOT_READY = "not_ready"
    LEFT_EARLY = "left_early"
    CLAIMED = "claimed"


@dataclass
class CertificationStatus:
    registration: Registration
    units: list[Unit]  # the plan, in printed order
    signed_off: list[Unit]
    reasons: list[str] = field(default_factory=list)
    claim: CertificationClaim | None = None

    @property
    def state(self) -> str:
        if self.claim is not None:
            return CertificationState.CLAIMED
        if self.registration.status == Registration.Status.WITHDRAWN:
            return CertificationState.LEFT_EARLY
        return CertificationState.NOT_READY if self.reasons else CertificationState.READY

    @property
    def ready(self) -> bool:
        return self.state == CertificationState.READY


def _units_phrase(units: list[Unit]) -> str:
    return ", ".join(unit.reference for unit in units)


def _units_summary(some: list[Unit], of: list[Unit], shown: int = 4) -> str:
    """The units named, or for a long list how many of the plan's they are and the first few."""
    if len(some) <= shown:
        return _units_phrase(some)
    return f"{len(some)} of {len(of)} units ({_units_phrase(some[: shown - 1])} …)"


def _plans_for(registrations: list[Registration], today: dt.date) -> dict[tuple[int, int, int], SamplingPlan]:
    """The latest plan started by today for each (centre, qualification, IQA) among the registrations."""
    keys = {(r.centre_id, r.qualification_id, r.iqa_id) for r in registrations}
    plans: dict[tuple[int, int, int], SamplingPlan] = {}
    if not keys:
        return plans
    candidates = facts.candidate_plans(
        centre_ids=sorted({k[0] for k in keys}),
        qualification_ids=sorted({k[1] for k in keys}),
        iqa_ids=sorted({k[2] for k in keys}),
        today=today,
    )
    for plan in candidates:
        plans.setdefault((plan.centre_id, plan.qualification_id, plan.iqa_id), plan)
    return plans


def certification_status(registrations, *, today: dt.date | None = None) -> dict[int, CertificationStatus]:
    """Each registration's readiness for a claim, with reasons in words, keyed by registration id.

    A fixed number of queries for any number of registrations (plus a fixed number per sampling plan involved)."""
    today = today or timezone.localdate()
    ids = [registration.pk for registration in registrations]
    if not ids:
        return {}
    registrations = facts.registrations(ids=ids)
    plan_units: dict[int, list[Unit]] = defaultdict(list)
    for entry in facts.plan_entries(ids=ids):
        plan_units[entry.registration_id].append(entry.unit)

    live: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for registration_id, unit_id, role, user_id in facts.live_signatures(ids=ids):
        live[(registration_id, unit_id)][role] = user_id
    # A unit carried over from a sign-off that still stands is signed off here (sampled, or not, where it was).
    carried = set(facts.carried(ids=ids))
    elsewhere = _signed_off_elsewhere(ids)
    carried |= {key for key, problem in elsewhere.items() if not problem}
    signers = {roles[SignatureRole.ASSESSOR] for roles in live.values() if SignatureRole.ASSESSOR in roles}
    trainees = (
        set(facts.trainee_signers(centre_ids=sorted({r.centre_id for r in registrations}), user_ids=sorted(signers)))
        if signers
        else set()
    )
    claims = {claim.registration_id: claim for claim in facts.claims(ids=ids)}
    open_actions = dict(facts.open_actions(ids=ids))
    # A trainee IQA's sample awaiting countersignature may still sign, reopen or raise actions: not final yet.
    pending_samples = dict(facts.pending_samples(ids=ids))
    plans = _plans_for(registrations, today)
    covers = {key: coverage(plan) for key, plan in plans.items()}

    result = {}
    for registration in registrations:
        order = {m.unit_id: m.order for m in registration.qualification.memberships.all()}
        units = sorted(plan_units[registration.pk], key=lambda unit: (order.get(unit.pk, 0), unit.reference))
        signed_off, not_signed, awaiting_countersignature = [], [], []
        for unit in units:
            roles = live.get((registration.pk, unit.pk), {})
            signer = roles.get(SignatureRole.ASSESSOR)
            if (registration.pk, unit.pk) in carried:
                signed_off.append(unit)
            elif signer is None:
                not_signed.append(unit)
            elif (registration.centre_id, signer) in trainees and SignatureRole.COUNTERSIGNER not in roles:
                awaiting_countersignature.append(unit)
            else:
                signed_off.append(unit)
        status = CertificationStatus(registration, units, signed_off, claim=claims.get(registration.pk))
        result[registration.pk] = status
        reasons = status.reasons

        combination = check_combination(
            qualification=registration.qualification, units=units, pathway=registration.pathway
        )
        reasons.extend(f"Rules of combination: {reason}" for reason in combination.reasons)
        if not registration.identity_confirmed:
            reasons.append(IDENTITY_NOT_CONFIRMED)
        if not units:
            reasons.append("No units on the learner's plan.")
        unverified = {
            elsewhere[(registration.pk, unit.pk)] for unit in not_signed if elsewhere.get((registration.pk, unit.pk))
        }
        for problem in sorted(unverified):
            reasons.append(
                _("The units carried over from another centre are not counted: %(problem)s.") % {"problem": problem}
            )
        if not_signed:
            reasons.append(f"Not signed off yet: {_units_summary(not_signed, units)}.")
        if awaiting_countersignature:
            reasons.append(f"Awaiting the countersignatory: {_units_summary(awaiting_countersignature, units)}.")

        key = (registration.centre_id, registration.qualification_id, registration.iqa_id)
        cover = covers.get(key)
        if cover is None:
            reasons.append(
                f"No IQA sampling plan by {registration.iqa} covers {registration.qualification.number}: "
                "the sampling it requires cannot be confirmed."
            )
        else:
            progress = cover.progress_by_assessor.get(registration.assessor_id)
            if progress is not None and progress.rate.rate_percent >= RATE_FULL:
                unsampled = [
                    unit
                    for unit in signed_off
                    if SignatureRole.IQA not in live.get((registration.pk, unit.pk), {})
                    and (registration.pk, unit.pk) not in carried
                ]
                if unsampled:
                    reasons.append(
                        f"{registration.assessor} is sampled at 100%, so every unit needs a summative IQA sample "
                        f"and signature: not yet for {_units_summary(unsampled, units)}."
                    )
                elif not_signed or awaiting_countersignature:
                    reasons.append(
                        f"{registration.assessor} is sampled at 100%: each unit needs a summative IQA sample once "
                        "it is signed off."
                    )
            elif progress is not None and progress.final_shortfall("summative"):
                awaiting = progress.awaiting_summative
                reasons.append(
                    f"The plan's summative sampling of {registration.assessor} is not done: "
                    f"{progress.done_final['summative']} of {progress.planned_summative} samples "
                    f"at {progress.rate.rate_percent}%"
                    + (f" ({awaiting} more awaiting countersignature)." if awaiting else ".")
                )
        if pending_samples.get(registration.pk):
            count = pending_samples[registration.pk]
            reasons.append(
                f"{count} IQA sample{'s' if count != 1 else ''} of this learner awaiting countersignature: "
                "not final yet."
            )
        if open_actions.get(registration.pk):
            count = open_actions[registration.pk]
            reasons.append(f"{count} IQA action{'s' if count != 1 else ''} on this learner's samples still open.")
    return result


# --- Claims ----------------------------------------------------------------------------------------------------


@transaction.atomic
def record_claim(
    *,
    actor,
    registration: Registration,
    kind: str,
    unit_ids: list[int] | None = None,
    reference: str = "",
    certificate_date: dt.date | None = None,
) -> CertificationClaim:
    """Record a claim made to the awarding body: the full qualification for a ready learner, or unit
    certification (only signed-off units) for a learner who left early."""
    registration = Registration.objects.select_for_update().select_related("centre", "learner").get(pk=registration.pk)
    require_centre_admin(actor, registration.centre)
    status = certification_status([registration])[registration.pk]
    if status.claim is not None:
        claimed_on = f"{status.claim.claimed_at:%d %b %Y}"
        raise ClaimError(
            _("A claim for %(learner)s was already recorded on %(claimed_on)s.")
            % {"learner": registration.learner, "claimed_on": claimed_on}
        )
    if not registration.identity_confirmed:
        raise ClaimError(f"{registration.learner}: {IDENTITY_NOT_CONFIRMED}")
    if kind == CertificationClaim.Kind.FULL:
        if not status.ready:
            detail = " ".join(status.reasons) or "The learner has left: claim unit certification instead."
            raise ClaimError(
                _("%(learner)s is not ready for a full claim. %(detail)s")
                % {"learner": registration.learner, "detail": detail}
            )
        units = status.units
    elif kind == CertificationClaim.Kind.UNIT:
        if registration.status != Registration.Status.WITHDRAWN:
            raise ClaimError(_("Unit certification is for learners who left early: withdraw the registration first."))
        signed = {unit.pk: unit for unit in status.signed_off}
        wanted = set(unit_ids or [])
        if not wanted:
            raise ClaimError(_("Choose the signed-off units to claim."))
        if wanted - set(signed):
            raise ClaimError(_("Only units that are signed off can be claimed."))
        units = [unit for unit in status.signed_off if unit.pk in wanted]
    else:
        raise ClaimError(_("Choose a full or a unit claim."))
    if certificate_date is not None and certificate_date > timezone.localdate():
        raise ClaimError(_("The certificate date cannot be in the future."))
    try:
        with transaction.atomic():
            claim = CertificationClaim.objects.create(
                registration=registration,
                kind=kind,
                claimed_by=actor,
                reference=(reference or "").strip(),
                certificate_date=certificate_date,
            )
    except IntegrityError as exc:
        raise ClaimError(
            _("A claim for %(learner)s was already recorded.") % {"learner": registration.learner}
        ) from exc
    claim.units.set(units)
    with translation.override("en"):  # the audit history stays in English
        record_event(
            action="certification_claimed",
            obj=claim,
            actor=actor,
            registration=registration,
            summary=f"{claim.get_kind_display()} claimed for {registration.learner} ({_units_phrase(units)})",
            kind=kind,
            units=[unit.reference for unit in units],
            reference=claim.reference,
        )
    return claim


@transaction.atomic
def record_certificate_date(*, actor, claim: CertificationClaim, certificate_date: dt.date) -> CertificationClaim:
    claim = CertificationClaim.objects.select_for_update().select_related("registration__centre").get(pk=claim.pk)
    registration = claim.registration
    require_centre_admin(actor, registration.centre)
    if certificate_date > timezone.localdate():
        raise ClaimError(_("The certificate date cannot be in the future."))
    if certificate_date < timezone.localtime(claim.claimed_at).date():
        raise ClaimError(_("The certificate date cannot be before the claim."))
    before = claim.certificate_date
    claim.certificate_date = certificate_date
    claim.save(update_fields=["certificate_date"])
    record_event(
        action="certificate_date_recorded",
        obj=claim,
        actor=actor,
        registration=registration,
        summary=f"Certificate dated {certificate_date:%d %b %Y} for {registration.learner}",
        certificate_date=certificate_date.isoformat(),
        before=before.isoformat() if before else None,
    )
    return claim
