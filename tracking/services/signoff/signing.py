"""Signing a unit's tracking sheet: the rows locked for the change, the signature with the sheet's content hash (the
assessor's locks the unit), its history and ledger entries, and the notice to whoever signs next."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from centres.models import record_event
from ledger.services import record as record_in_ledger
from notifications import kinds
from notifications.services import notify
from portfolio.models import Registration, RegistrationUnit
from qualifications.models import Unit

from ...models import Signature, SignatureRole, UnitSignOff
from ...selectors import SignOffState, signoff_state
from .checks import ROLE_LABELS, SignOffError, check_may_sign, signer_name


def lock_unit(registration: Registration, unit: Unit) -> tuple[Registration, RegistrationUnit, UnitSignOff]:
    """Lock the plan entry and the sign-off row (creating it) for the rest of the transaction.

    Always in this order, so that two transactions never wait for each other in a circle."""
    registration = Registration.objects.select_related("learner", "assessor", "iqa", "centre").get(pk=registration.pk)
    try:
        plan_entry = RegistrationUnit.objects.select_for_update().get(registration=registration, unit=unit)
    except RegistrationUnit.DoesNotExist:
        raise SignOffError(
            gettext("Unit %(reference)s is not on this learner's plan.") % {"reference": unit.reference}
        ) from None
    sign_off, _ = UnitSignOff.objects.get_or_create(registration=registration, unit=unit)
    sign_off = UnitSignOff.objects.select_for_update().get(pk=sign_off.pk)
    return registration, plan_entry, sign_off


def countersigned_phrase(countersigned_by) -> str:
    return f" (sample countersigned by {signer_name(countersigned_by)})" if countersigned_by is not None else ""


def countersigned_data(countersigned_by) -> dict:
    return {"countersigned_by": countersigned_by.pk} if countersigned_by is not None else {}


@transaction.atomic
def sign_unit(
    *,
    registration: Registration,
    unit: Unit,
    user,
    role: str,
    expected_hash: str | None = None,
    countersigned_by=None,
) -> Signature:
    """Sign the unit's tracking sheet as `user` in `role` (a SignatureRole value) and return the signature.

    Checks, on fresh locked rows: the user is the person the role needs (the learner; the registration's
    assessor; the assessor's countersignatory, only where the assessor works towards their award; an IQA
    of the centre who made or countersigned none of the unit's judgements and decisions for this learner;
    an EQA with an active share covering the unit); signatures come in order and only once each; the
    learner and assessor sign only when every required criterion is met; nobody signs a sheet whose
    content changed since an earlier signature. `expected_hash` is the content hash the signer was shown:
    if the sheet changed since, nothing is signed. The assessor's signature locks the unit's evidence.

    IQA and EQS signatures are "if sampled": the quality app calls this with role="iqa" / "eqa" when its
    IQA or EQA samples the unit. An IQA working towards their IQA award signs only with `countersigned_by`,
    the qualified IQA who confirmed their sample (the quality app checks who that may be); the history names
    them. Raises SignOffError with a message for the user."""
    if unit is None:
        raise SignOffError(gettext("Choose a unit to sign."))
    registration, plan_entry, sign_off = lock_unit(registration, unit)
    state = signoff_state(registration, unit)
    check_may_sign(state, user, role, countersigned=countersigned_by is not None)
    if expected_hash is not None and expected_hash != state.content_hash:
        raise SignOffError(gettext("The sheet changed while you were reading it. Check it again before you sign."))
    now = timezone.now()
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                sign_off=sign_off,
                role=role,
                user=user,
                name_at_signing=signer_name(user),
                signed_at=now,
                content_hash=state.content_hash,
            )
    except IntegrityError:
        # Only reachable if a concurrent transaction slipped past the row lock (the constraint is the backstop).
        existing = Signature.objects.live().filter(sign_off=sign_off, role=role).first()
        who = existing.name_at_signing if existing else "Someone"
        raise SignOffError(
            gettext("%(who)s has already signed as %(value)s.") % {"who": who, "value": ROLE_LABELS[role]}
        ) from None
    record_in_ledger("eqa_signature" if role == SignatureRole.EQA else "signature", signature)
    if role == SignatureRole.ASSESSOR:
        plan_entry.locked_at = now
        plan_entry.save(update_fields=["locked_at"])
    record_event(
        action="unit_signed",
        obj=signature,
        actor=user,
        registration=registration,
        summary=f"{signature.name_at_signing} signed unit {unit.reference} as {ROLE_LABELS[role]}"
        + countersigned_phrase(countersigned_by),
        role=role,
        unit=unit.reference,
        content_hash=state.content_hash,
        locked=role == SignatureRole.ASSESSOR,
        **countersigned_data(countersigned_by),
    )
    _notify_next_signer(state, signature)
    return signature


def _notify_next_signer(state: SignOffState, signature: Signature) -> None:
    """The learner's signature makes the sheet ready for the assessor; the assessor's, for their countersignatory
    where one is needed. (IQA and EQS sign only if they sample, from their own pages.)"""
    registration, unit = state.registration, state.unit
    if signature.role == SignatureRole.LEARNER:
        signer = registration.assessor
    elif signature.role == SignatureRole.ASSESSOR and state.assessor_needs_countersignature:
        signer = state.countersignatory
    else:
        return
    if signer is None:
        return
    notify(
        signer,
        kinds.SHEET_READY_TO_SIGN,
        centre=registration.centre,
        title=lambda: (
            gettext("The tracking sheet for unit %(unit)s is ready for you to sign") % {"unit": unit.reference}
        ),
        url=reverse("tracking:sheet", args=[registration.pk, unit.pk]),
        actor=signature.user,
        subject_object=signature.sign_off,
    )
