"""Moving a registration to another assessor or IQA, and naming its tutor."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from centres import conflicts
from centres.models import Membership, Role, User, record_event
from portfolio.models import Registration

from ._common import _lock, _require_active, _require_centre_admin, _staff_problem
from .errors import RegistrationError


def _change_staff(
    *,
    actor,
    registration: Registration,
    field: str,
    person: User | None,
    reason: str,
    already: str,
    problem: Callable[[Registration], str | None],
    summary: str,
) -> Registration:
    """The one shape of a centre admin's change to who assesses, quality-assures or teaches a learner: checked on the
    locked row, saved, and recorded as `registration.<field>_changed` with the previous and new person's address.
    `problem` is asked with the locked registration; `summary` is formatted with `previous` and `new`."""
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    if (person.pk if person else None) == getattr(registration, f"{field}_id"):
        raise RegistrationError({field: [already]})
    if message := problem(registration):
        raise RegistrationError({field: [message]})
    previous = getattr(registration, field)
    setattr(registration, field, person)
    registration.save(update_fields=[field])
    reason = reason.strip()
    record_event(
        action=f"registration.{field}_changed",
        obj=registration,
        actor=actor,
        registration=registration,
        summary=summary.format(previous=previous or "nobody", new=person or "nobody")
        + (f": {reason}" if reason else ""),
        previous=previous.email if previous else None,
        **{field: person.email if person else None},
        reason=reason,
    )
    return registration


def _named_staff_problem(registration: Registration, user: User, role: str) -> str | None:
    return _staff_problem(
        centre=registration.centre,
        user=user,
        role=role,
        learner=registration.learner,
        qualification=registration.qualification,
    )


@transaction.atomic
def move_to_assessor(*, actor, registration: Registration, assessor: User, reason: str = "") -> Registration:
    def problem(registration: Registration) -> str | None:
        if found := _named_staff_problem(registration, assessor, Role.ASSESSOR):
            return found
        if found := conflicts.iqa_delivery_conflict(iqa=registration.iqa_id, assessor=assessor):
            return f"{found} Change the IQA first."
        return None

    return _change_staff(
        actor=actor,
        registration=registration,
        field="assessor",
        person=assessor,
        reason=reason,
        already=f"{assessor} is already this learner's assessor.",
        problem=problem,
        summary="Moved from {previous} to {new}",
    )


@transaction.atomic
def change_iqa(*, actor, registration: Registration, iqa: User, reason: str = "") -> Registration:
    def problem(registration: Registration) -> str | None:
        return _named_staff_problem(registration, iqa, Role.IQA) or conflicts.iqa_delivery_conflict(
            iqa=iqa, assessor=registration.assessor_id, tutor=registration.tutor_id
        )

    return _change_staff(
        actor=actor,
        registration=registration,
        field="iqa",
        person=iqa,
        reason=reason,
        already=f"{iqa} is already this learner's IQA.",
        problem=problem,
        summary="IQA changed from {previous} to {new}",
    )


@transaction.atomic
def change_tutor(*, actor, registration: Registration, tutor: User | None, reason: str = "") -> Registration:
    """Name the member of staff who delivers (teaches) the learner, or nobody. The tutor is never the learner's IQA,
    so that quality assurance stays independent of delivery (centres.conflicts)."""

    def problem(registration: Registration) -> str | None:
        if tutor is None:
            return None
        if not Membership.objects.active().filter(centre=registration.centre, user=tutor).exists():
            return f"{tutor} does not work at {registration.centre}."
        if tutor.pk == registration.learner_id:
            return "Learners cannot be their own tutor."
        return conflicts.iqa_delivery_conflict(iqa=registration.iqa_id, tutor=tutor) or conflicts.interest_conflict(
            tutor, registration, conflicts.Act.TUTOR, named=True
        )

    return _change_staff(
        actor=actor,
        registration=registration,
        field="tutor",
        person=tutor,
        reason=reason,
        already=f"{tutor or 'Nobody'} is already named as this learner's tutor.",
        problem=problem,
        summary="Tutor changed from {previous} to {new}",
    )
