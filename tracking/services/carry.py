"""Carrying a signed-off unit over from one of a learner's registrations into another that contains the same unit.

The qualifications of a suite share units (Highfield's Level 1 Award, Certificate and Diploma share 13): a unit
signed off for one counts for the other without being assessed again. A carry is an explicit act of the learner's
assessor or the centre admin, listed on the new registration's tracking sheets page as "can be carried over", and
it is a record that points at the source sign-off (nothing is copied, so nothing drifts): the new registration's
sheet shows the original evidence references, dates and signatures read-only, and progress, the sheet and the
certification check count the unit as met while the source sign-off stands. Reopening the source unit voids the
signature the carry rests on: the carry then no longer counts, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Role, record_event
from core.errors import DomainError, NotAllowed
from portfolio.models import Registration, RegistrationUnit
from portfolio.progress import CarriedUnit, unit_statuses
from qualifications.models import AssessmentCriterion, Unit

from ..models import CarriedOverUnit, Signature, SignatureRole, UnitSignOff
from ..selectors import SignOffState, signoff_states


class CarryError(DomainError):
    """A carry-over was refused; the message says why, in words for the person acting."""


class CarryNotAllowed(CarryError, NotAllowed):
    """The person may not carry units for this learner at all (the view answers 403)."""


def may_carry(user, registration: Registration) -> bool:
    """The learner's assessor or an admin of the registration's centre."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk == registration.assessor_id and has_role(user, Role.ASSESSOR, registration.centre_id):
        return True
    return has_role(user, Role.CENTRE_ADMIN, registration.centre_id)


def _require_may_carry(user, registration: Registration) -> None:
    if not may_carry(user, registration):
        raise CarryNotAllowed(_("Only the learner's assessor or the centre admin carries units over."))


def _name(user) -> str:
    return user.full_name or user.email


def carry_label(qualification, signed_at, *, counts: bool) -> str:
    label = f"Carried over from {qualification.number} {qualification.title} (signed off {signed_at:%d %B %Y})"
    if not counts:
        label += ": the unit has since been reopened there, so it no longer counts here"
    return label


def carried_units_marker(registration_id: OuterRef, unit_id: OuterRef) -> Exists:
    """For portfolio.progress: whether a plan entry has a live carry (read with the plan, as a subquery)."""
    return Exists(CarriedOverUnit.objects.live().filter(registration_id=registration_id, unit_id=unit_id))


def carried_units_provider(registration_ids: list[int]) -> dict[tuple[int, int], CarriedUnit]:
    """For portfolio.progress: the live carries of these registrations, in one query."""
    carries = (
        CarriedOverUnit.objects.live()
        .filter(registration_id__in=registration_ids)
        .select_related("source_signature", "source_sign_off__registration__qualification", "carried_by")
    )
    return {
        (carry.registration_id, carry.unit_id): CarriedUnit(
            source_registration_id=carry.source_sign_off.registration_id,
            label=carry_label(
                carry.source_sign_off.registration.qualification, carry.source_signature.signed_at, counts=carry.counts
            ),
            counts=carry.counts,
            record=carry,
        )
        for carry in carries
    }


@dataclass
class CarryCandidate:
    """A unit of the plan signed off in another registration of the same learner, not yet carried over."""

    unit: Unit
    source: Registration
    state: SignOffState

    @property
    def signed_at(self):
        return self.state.live[SignatureRole.ASSESSOR].signed_at


def _complete_sources(registration: Registration, unit_ids: list[int]) -> dict[int, CarryCandidate]:
    """For each of the given units, the learner's other registration at the same centre where it is signed off
    (learner and assessor signed, countersigned where needed, not reopened, the sheet unchanged since): the
    latest such sign-off. A fixed number of queries per other registration of the learner, never per unit."""
    found: dict[int, CarryCandidate] = {}
    if not unit_ids:
        return found
    with_sign_offs = (
        UnitSignOff.objects.filter(
            registration__learner_id=registration.learner_id,
            registration__centre_id=registration.centre_id,
            unit_id__in=unit_ids,
            signatures__role=SignatureRole.ASSESSOR,
            signatures__voided_at__isnull=True,
        )
        .exclude(registration_id=registration.pk)
        .values_list("registration_id", "unit_id")
    )
    units_by_source: dict[int, set[int]] = {}
    for source_id, unit_id in with_sign_offs:
        units_by_source.setdefault(source_id, set()).add(unit_id)
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=unit_ids)}
    sources = Registration.objects.filter(pk__in=list(units_by_source)).select_related(
        "qualification", "centre", "learner", "assessor"
    )
    for source in sources:
        statuses = unit_statuses(source, [units[unit_id] for unit_id in units_by_source[source.pk]])
        for unit_id, state in signoff_states(source, statuses).items():
            if not state.signed_off or state.content_changed or state.status.carried is not None:
                continue
            candidate = CarryCandidate(unit=units[unit_id], source=source, state=state)
            if unit_id not in found or candidate.signed_at > found[unit_id].signed_at:
                found[unit_id] = candidate
    return found


def carry_candidates(registration: Registration) -> list[CarryCandidate]:
    """The units of the learner's plan that can be carried over now, in unit reference order."""
    carried = set(CarriedOverUnit.objects.live().filter(registration=registration).values_list("unit_id", flat=True))
    signed_here = set(
        Signature.objects.live().filter(sign_off__registration=registration).values_list("sign_off__unit_id", flat=True)
    )
    plan = RegistrationUnit.objects.filter(registration=registration).values_list("unit_id", flat=True)
    unit_ids = [unit_id for unit_id in plan if unit_id not in carried and unit_id not in signed_here]
    candidates = _complete_sources(registration, unit_ids).values()
    return sorted(candidates, key=lambda candidate: candidate.unit.reference)


@transaction.atomic
def carry_over_unit(*, actor, registration: Registration, unit: Unit) -> CarriedOverUnit:
    """Carry `unit` into the registration from its completed sign-off in another registration of the same learner
    at the same centre, and return the record.

    Refused (CarryError with the reason): a unit not on this registration's plan; a withdrawn registration; a
    unit already carried, or already signed by someone on this registration; a unit with no completed sign-off in
    another of the learner's registrations here; a sign-off on another pathway where the unit's criteria differ by
    pathway. CarryNotAllowed for anyone but the learner's assessor and the centre admin."""
    registration = Registration.objects.select_for_update().select_related("centre", "learner").get(pk=registration.pk)
    _require_may_carry(actor, registration)
    if not RegistrationUnit.objects.filter(registration=registration, unit=unit).exists():
        raise CarryError(
            _("Unit %(reference)s is not on this learner's plan, so it cannot be carried into it.")
            % {"reference": unit.reference}
        )
    if registration.status == Registration.Status.WITHDRAWN:
        raise CarryError(_("This registration is withdrawn: no units can be carried into it."))
    if CarriedOverUnit.objects.live().filter(registration=registration, unit=unit).exists():
        raise CarryError(
            _("Unit %(reference)s is already carried over into this registration.") % {"reference": unit.reference}
        )
    if Signature.objects.live().filter(sign_off__registration=registration, sign_off__unit=unit).exists():
        raise CarryError(
            _("Unit %(reference)s is already being signed off on this registration: reopen it there first.")
            % {"reference": unit.reference}
        )
    candidate = _complete_sources(registration, [unit.pk]).get(unit.pk)
    if candidate is None:
        raise CarryError(
            _(
                "Unit %(reference)s is not signed off in another of this learner's "
                "registrations at this centre: only a completed sign-off (learner and "
                "assessor signed, countersigned where needed, not reopened) can be "
                "carried over."
            )
            % {"reference": unit.reference}
        )
    source = candidate.source
    if (
        source.pathway_id != registration.pathway_id
        and AssessmentCriterion.objects.filter(unit=unit, pathway__isnull=False).exists()
    ):
        raise CarryError(
            _(
                "Unit %(reference)s was signed off on another pathway, and its "
                "criteria differ by pathway: it cannot be carried over."
            )
            % {"reference": unit.reference}
        )
    signature = candidate.state.live[SignatureRole.ASSESSOR]
    try:
        with transaction.atomic():
            carry = CarriedOverUnit.objects.create(
                registration=registration,
                unit=unit,
                source_sign_off=candidate.state.sign_off,
                source_signature=signature,
                carried_by=actor,
            )
    except IntegrityError:
        raise CarryError(
            _("Unit %(reference)s is already carried over into this registration.") % {"reference": unit.reference}
        ) from None
    record_event(
        action="unit_carried_over",
        obj=carry,
        actor=actor,
        registration=registration,
        summary=f"{_name(actor)} carried unit {unit.reference} over from {source.qualification.number} "
        f"{source.qualification.title} (signed off {signature.signed_at:%d %B %Y})",
        unit=unit.reference,
        source_registration=source.pk,
        source_sign_off=candidate.state.sign_off.pk,
        source_signatures=[
            {"role": s.role, "name": s.name_at_signing, "signed_at": s.signed_at.isoformat(), "signature_id": s.pk}
            for s in candidate.state.live_in_order
        ],
        content_hash=candidate.state.content_hash,
    )
    return carry


@transaction.atomic
def withdraw_carried_unit(*, actor, carry: CarriedOverUnit, reason: str) -> CarriedOverUnit:
    """Withdraw a carry (the unit then stands on this registration's own portfolio); the record is kept with who
    withdrew it, when and why. Refused without a reason, or when already withdrawn."""
    carry = CarriedOverUnit.objects.select_for_update().select_related("registration__centre", "unit").get(pk=carry.pk)
    registration = carry.registration
    _require_may_carry(actor, registration)
    reason = (reason or "").strip()
    if not reason:
        raise CarryError(_("Give a reason for withdrawing the carried-over unit."))
    if carry.withdrawn_at is not None:
        raise CarryError(
            _("The carry of unit %(reference)s was already withdrawn.") % {"reference": carry.unit.reference}
        )
    carry.withdrawn_at = timezone.now()
    carry.withdrawn_by = actor
    carry.withdrawal_reason = reason
    carry.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    record_event(
        action="carried_unit_withdrawn",
        obj=carry,
        actor=actor,
        registration=registration,
        summary=f"{_name(actor)} withdrew the carry-over of unit {carry.unit.reference}: {reason}",
        unit=carry.unit.reference,
        reason=reason,
    )
    return carry
