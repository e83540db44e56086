"""Reopening a signed-off unit: every live signature voided with who, when and why, and the unit's lock cleared."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from centres.models import record_event
from ledger.services import record as record_in_ledger
from portfolio.models import Registration
from qualifications.models import Unit

from ...models import Signature
from ...selectors import signoff_state
from .checks import SignOffError, check_may_reopen, signer_name
from .signing import countersigned_data, countersigned_phrase, lock_unit


@transaction.atomic
def reopen_unit(
    *, registration: Registration, unit: Unit, user, reason: str, by_iqa_sample: bool = False, countersigned_by=None
) -> list[Signature]:
    """Reopen a unit's sign-off so its evidence can change again; return the signatures voided.

    Who: the registration's assessor; or, with by_iqa_sample=True, an IQA of the centre whose sample of
    the unit disagreed with the assessor (the quality app passes it when that decision is final; for an IQA
    working towards their award, with `countersigned_by`, who confirmed it and whom the history names).

    What it voids: every live signature, the learner's declaration included. Each signature vouches for
    the sheet's content at that moment and reopening is done because that content is about to change, so
    the whole chain is signed again afterwards (learner, then assessor, and so on). The voided signatures
    are kept with who voided them, when and why, and shown on the sheet; the unit's lock is cleared.
    Raises SignOffError when the user may not reopen, there is nothing to reopen or no reason is given."""
    reason = (reason or "").strip()
    if not reason:
        raise SignOffError(gettext("Give a reason for reopening the unit."))
    registration, plan_entry, sign_off = lock_unit(registration, unit)
    state = signoff_state(registration, unit)
    check_may_reopen(state, user, by_iqa_sample=by_iqa_sample)
    now = timezone.now()
    voided = state.live_in_order
    for signature in voided:
        signature.voided_at = now
        signature.voided_by = user
        signature.void_reason = reason
        signature.save(update_fields=["voided_at", "voided_by", "void_reason"])
        record_in_ledger("signature_voided", signature)
    plan_entry.locked_at = None
    plan_entry.save(update_fields=["locked_at"])
    record_event(
        action="unit_reopened",
        obj=sign_off,
        actor=user,
        registration=registration,
        summary=f"{signer_name(user)} reopened unit {unit.reference}{countersigned_phrase(countersigned_by)}: {reason}",
        unit=unit.reference,
        reason=reason,
        by_iqa_sample=by_iqa_sample,
        voided=[{"role": s.role, "name": s.name_at_signing, "signature_id": s.pk} for s in voided],
        **countersigned_data(countersigned_by),
    )
    return voided
