"""Registering one learner on a qualification."""

from __future__ import annotations

from django.db import transaction

from centres.models import Centre, Invitation, User, record_event
from centres.services import CentresError, invite_user, normalise_email
from portfolio.models import Registration, RegistrationUnit
from qualifications.services.combination import plan_for

from ._common import _identity_record, _require_centre_admin
from .checks import RegistrationInput, registration_problems
from .errors import RegistrationError, WarningsToAcknowledge
from .similar import SIMILAR_QUALIFICATION_ADVICE, SIMILAR_QUALIFICATION_SOURCE, similar_qualifications


@transaction.atomic
def register_learner(
    *, actor, centre: Centre, data: RegistrationInput, acknowledge_all_warnings: bool = False
) -> Registration:
    """Register a learner (new or existing) on a qualification. A learner who has no password yet is sent
    an invitation to set one, once the registration is saved.

    Where the learner already holds or is registered on a similar qualification, the registration is made only
    once the centre admin has acknowledged each warning (`data.acknowledged_warnings`, or every warning with
    `acknowledge_all_warnings` after a CSV preview showed them), and the history records what was acknowledged."""
    _require_centre_admin(actor, centre)
    errors = registration_problems(centre=centre, data=data)
    if errors:
        raise RegistrationError(errors)
    warnings = similar_qualifications(centre=centre, data=data)
    unacknowledged = [warning for warning in warnings if warning.key not in data.acknowledged_warnings]
    if unacknowledged and not acknowledge_all_warnings:
        raise WarningsToAcknowledge(unacknowledged)
    email = normalise_email(data.email)
    learner = User.objects.filter(email=email).first()
    if learner is None:
        learner = User.objects.create_user(email=email, full_name=data.full_name.strip())
    qualification = data.qualification
    registration = Registration.objects.create(
        centre=centre,
        learner=learner,
        qualification=qualification,
        pathway=data.pathway,
        assessor=data.assessor,
        iqa=data.iqa,
        date_of_birth=data.date_of_birth,
        uln=(data.uln or "").strip(),
        awarding_body_registration_number=data.awarding_body_registration_number.strip(),
        start_date=data.start_date,
        planned_end_date=data.planned_end_date,
        id_document_type=data.id_document_type.strip(),
        id_checked_by=data.id_checked_by,
        id_checked_on=data.id_checked_on,
        id_details=data.id_details.strip(),
        created_by=actor,
    )
    chosen = {unit.pk for unit in data.optional_units}
    mandatory = {unit.pk for unit in plan_for(qualification, [])}
    plan = plan_for(qualification, data.optional_units)
    RegistrationUnit.objects.bulk_create(
        [
            RegistrationUnit(
                registration=registration, unit=unit, chosen=unit.pk in chosen and unit.pk not in mandatory
            )
            for unit in plan
        ]
    )
    record_event(
        action="registration.created",
        obj=registration,
        actor=actor,
        centre=centre,
        registration_id=registration.pk,
        summary=f"{learner} registered on {qualification.number} {qualification.title}",
        learner=learner.email,
        qualification=qualification.number,
        pathway=data.pathway.code if data.pathway else None,
        chosen_units=sorted(unit.reference for unit in data.optional_units if unit.pk not in mandatory),
        assessor=data.assessor.email,
        iqa=data.iqa.email,
        start_date=data.start_date.isoformat(),
        planned_end_date=data.planned_end_date.isoformat(),
        identity=_identity_record(registration),
    )
    for warning in warnings:
        record_event(
            action="registration.warning_acknowledged",
            obj=registration,
            actor=actor,
            centre=centre,
            registration_id=registration.pk,
            summary=f"Warning shown and acknowledged: {warning.message}",
            warning=warning.message,
            similar_qualification=warning.qualification.number,
            advice=SIMILAR_QUALIFICATION_ADVICE,
            advice_source=SIMILAR_QUALIFICATION_SOURCE,
        )
    if not learner.has_usable_password() and not learner.invitations.pending().exists():
        try:
            invite_user(actor=actor, user=learner, centre=centre, kind=Invitation.Kind.LEARNER)
        except CentresError as exc:
            raise RegistrationError(str(exc)) from exc
    return registration
