"""Demo sign-off (see `manage.py seed_demo`): the first complete unit of a demo learner is signed by the
learner and the assessor (and countersigned where the assessor is a trainee), through the sign-off service.
Idempotent: nothing is signed again once a demo unit has signatures; if no unit is complete, nothing is done."""

from django.db import transaction

from .models import Signature, SignatureRole
from .services.signoff import SignOffError, sign_unit
from .sheets import build_sheets


def seed(context: dict) -> None:
    registrations = list(context.get("registrations", {}).values())
    if not registrations or Signature.objects.filter(sign_off__registration__in=registrations).exists():
        return
    for registration in registrations:
        for sheet in build_sheets(registration):
            if not sheet.status.complete or sheet.state.live:
                continue
            signers = [(registration.learner, SignatureRole.LEARNER), (registration.assessor, SignatureRole.ASSESSOR)]
            if sheet.state.assessor_needs_countersignature and sheet.state.countersignatory is not None:
                signers.append((sheet.state.countersignatory, SignatureRole.COUNTERSIGNER))
            try:
                with transaction.atomic():  # all the signatures or none
                    for user, role in signers:
                        sign_unit(registration=registration, unit=sheet.unit, user=user, role=role)
            except SignOffError:
                continue
            context.setdefault("signed_units", []).append((registration, sheet.unit))
            return
