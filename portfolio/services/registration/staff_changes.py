"""Moving a registration to another assessor or IQA, and naming its tutor."""

from __future__ import annotations

from django.db import transaction

from centres import conflicts
from centres.models import Membership, Role, User, record_event
from portfolio.models import Registration

from ._common import _lock, _require_active, _require_centre_admin, _staff_problem
from .errors import RegistrationError


@transaction.atomic
def move_to_assessor(*, actor, registration: Registration, assessor: User, reason: str = "") -> Registration:
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    if assessor.pk == registration.assessor_id:
        raise RegistrationError({"assessor": [f"{assessor} is already this learner's assessor."]})
    problem = _staff_problem(
        centre=registration.centre,
        user=assessor,
        role=Role.ASSESSOR,
        learner=registration.learner,
        qualification=registration.qualification,
    )
    if problem:
        raise RegistrationError({"assessor": [problem]})
    if problem := conflicts.iqa_delivery_conflict(iqa=registration.iqa_id, assessor=assessor):
        raise RegistrationError({"assessor": [f"{problem} Change the IQA first."]})
    previous = registration.assessor
    registration.assessor = assessor
    registration.save(update_fields=["assessor"])
    record_event(
        action="registration.assessor_changed",
        obj=registration,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Moved from {previous} to {assessor}" + (f": {reason.strip()}" if reason.strip() else ""),
        previous=previous.email,
        assessor=assessor.email,
        reason=reason.strip(),
    )
    return registration


@transaction.atomic
def change_iqa(*, actor, registration: Registration, iqa: User, reason: str = "") -> Registration:
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    if iqa.pk == registration.iqa_id:
        raise RegistrationError({"iqa": [f"{iqa} is already this learner's IQA."]})
    problem = _staff_problem(
        centre=registration.centre,
        user=iqa,
        role=Role.IQA,
        learner=registration.learner,
        qualification=registration.qualification,
    )
    if problem:
        raise RegistrationError({"iqa": [problem]})
    if problem := conflicts.iqa_delivery_conflict(
        iqa=iqa, assessor=registration.assessor_id, tutor=registration.tutor_id
    ):
        raise RegistrationError({"iqa": [problem]})
    previous = registration.iqa
    registration.iqa = iqa
    registration.save(update_fields=["iqa"])
    record_event(
        action="registration.iqa_changed",
        obj=registration,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"IQA changed from {previous} to {iqa}" + (f": {reason.strip()}" if reason.strip() else ""),
        previous=previous.email,
        iqa=iqa.email,
        reason=reason.strip(),
    )
    return registration


@transaction.atomic
def change_tutor(*, actor, registration: Registration, tutor: User | None, reason: str = "") -> Registration:
    """Name the member of staff who delivers (teaches) the learner, or nobody. The tutor is never the learner's IQA,
    so that quality assurance stays independent of delivery (centres.conflicts)."""
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    if (tutor.pk if tutor else None) == registration.tutor_id:
        raise RegistrationError({"tutor": [f"{tutor or 'Nobody'} is already named as this learner's tutor."]})
    if tutor is not None:
        if not Membership.objects.active().filter(centre=registration.centre, user=tutor).exists():
            raise RegistrationError({"tutor": [f"{tutor} does not work at {registration.centre}."]})
        problem = (
            "Learners cannot be their own tutor." if tutor.pk == registration.learner_id else None
        ) or conflicts.iqa_delivery_conflict(iqa=registration.iqa_id, tutor=tutor)
        problem = problem or conflicts.interest_conflict(tutor, registration, conflicts.Act.TUTOR, named=True)
        if problem:
            raise RegistrationError({"tutor": [problem]})
    previous = registration.tutor
    registration.tutor = tutor
    registration.save(update_fields=["tutor"])
    record_event(
        action="registration.tutor_changed",
        obj=registration,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Tutor changed from {previous or 'nobody'} to {tutor or 'nobody'}"
        + (f": {reason.strip()}" if reason.strip() else ""),
        previous=previous.email if previous else None,
        tutor=tutor.email if tutor else None,
        reason=reason.strip(),
    )
    return registration
