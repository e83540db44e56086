"""The centre's registrations: listed and filtered, read, registered and changed (dates, assessor)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from centres.models import User
from centres.services import normalise_email
from portfolio.models import Registration
from portfolio.services.registration import (
    RegistrationError,
    RegistrationInput,
    change_dates,
    move_to_assessor,
    register_learner,
)
from qualifications.models import Qualification

from .. import schemas as s
from ..auth import require
from ..models import Scope
from .common import ERRORS, ObjectId, Paging, centre_registration, centre_registrations, page_bounds, record_api_write

router = Router()


def _person(user: User | None) -> dict | None:
    return None if user is None else {"email": user.email, "full_name": user.full_name}


def _registration_out(registration: Registration) -> dict:
    return {
        "id": registration.pk,
        "learner": _person(registration.learner),
        "qualification": {"number": registration.qualification.number, "title": registration.qualification.title},
        "pathway": registration.pathway.code if registration.pathway else None,
        "assessor": _person(registration.assessor),
        "iqa": _person(registration.iqa),
        "tutor": _person(registration.tutor),
        "status": registration.status,
        "uln": registration.uln,
        "awarding_body_registration_number": registration.awarding_body_registration_number,
        "start_date": registration.start_date,
        "planned_end_date": registration.planned_end_date,
        "created_at": registration.created_at,
    }


def _user_by_email(email: str | None) -> User | None:
    return User.objects.filter(email=normalise_email(email)).first() if email else None


class RegistrationFilters(Schema):
    status: Registration.Status | None = None
    qualification: str | None = Field(None, max_length=20, pattern=s.NO_NUL, description="A qualification number.")
    assessor: str | None = Field(None, max_length=254, pattern=s.NO_NUL, description="The assessor's email address.")
    learner: str | None = Field(None, max_length=254, pattern=s.NO_NUL, description="The learner's email address.")


@router.get(
    "/registrations", response={200: s.RegistrationPage, **ERRORS}, url_name="registrations", tags=["registrations"]
)
def list_registrations(request, filters: Query[RegistrationFilters], paging: Query[Paging]):
    """The centre's registrations, oldest first, filtered by status, qualification number, assessor's or learner's
    email address."""
    token = require(request, Scope.REGISTRATIONS_READ)
    limit, offset = page_bounds(paging)
    found = centre_registrations(token).order_by("pk")
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.qualification:
        found = found.filter(qualification__number=filters.qualification)
    if filters.assessor:
        found = found.filter(assessor__email=normalise_email(filters.assessor))
    if filters.learner:
        found = found.filter(learner__email=normalise_email(filters.learner))
    count = found.count()
    page = list(found[offset : offset + limit])
    return {"count": count, "limit": limit, "offset": offset, "items": [_registration_out(r) for r in page]}


@router.get(
    "/registrations/{registration_id}",
    response={200: s.RegistrationOut, **ERRORS},
    url_name="registration",
    tags=["registrations"],
)
def read_registration(request, registration_id: ObjectId):
    token = require(request, Scope.REGISTRATIONS_READ)
    return _registration_out(centre_registration(token, registration_id))


@router.post(
    "/registrations",
    response={201: s.RegistrationOut, **ERRORS},
    url_name="registration-create",
    tags=["registrations"],
)
def create_registration(request, body: s.RegistrationIn):
    """Register a learner (new or known) on a qualification, as the centre admin who made the token."""
    token = require(request, Scope.REGISTRATIONS_WRITE)
    qualification = Qualification.objects.filter(number=body.qualification).first()
    if qualification is None:
        raise RegistrationError({"qualification": [_("No qualification has this number.")]})
    pathway = None
    if body.pathway:
        pathway = qualification.pathways.filter(code=body.pathway).first()
        if pathway is None:
            raise RegistrationError({"pathway": [_("The qualification has no pathway with this code.")]})
    units = list(qualification.units.filter(reference__in=body.optional_units))
    if len(units) != len(set(body.optional_units)):
        raise RegistrationError({"optional_units": [_("Some of these units are not in the qualification.")]})
    data = RegistrationInput(
        email=body.email,
        full_name=body.full_name,
        date_of_birth=body.date_of_birth,
        qualification=qualification,
        pathway=pathway,
        optional_units=units,
        start_date=body.start_date,
        planned_end_date=body.planned_end_date,
        assessor=_user_by_email(body.assessor),
        iqa=_user_by_email(body.iqa),
        uln=body.uln,
        awarding_body_registration_number=body.awarding_body_registration_number,
    )
    with transaction.atomic():
        registration = register_learner(
            actor=token.created_by,
            centre=token.centre,
            data=data,
            acknowledge_all_warnings=body.acknowledge_warnings,
        )
        record_api_write(request, token, registration, "Registered")
    return Status(201, _registration_out(centre_registration(token, registration.pk)))


@router.patch(
    "/registrations/{registration_id}",
    response={200: s.RegistrationOut, **ERRORS},
    url_name="registration-update",
    tags=["registrations"],
)
def update_registration(request, registration_id: ObjectId, body: s.RegistrationPatch):
    """Change the start and planned end dates, the assessor, or both: all or nothing."""
    token = require(request, Scope.REGISTRATIONS_WRITE)
    registration = centre_registration(token, registration_id)
    if body.start_date is None and body.planned_end_date is None and body.assessor is None:
        raise RegistrationError(_("Send start_date, planned_end_date or assessor."))
    changed = []
    with transaction.atomic():
        if body.start_date is not None or body.planned_end_date is not None:
            registration = change_dates(
                actor=token.created_by,
                registration=registration,
                start_date=body.start_date,
                planned_end_date=body.planned_end_date,
                reason=body.reason,
            )
            changed.append("Dates changed")
        if body.assessor is not None:
            assessor = _user_by_email(body.assessor)
            if assessor is None:
                raise RegistrationError({"assessor": [_("Nobody has this email address.")]})
            registration = move_to_assessor(
                actor=token.created_by, registration=registration, assessor=assessor, reason=body.reason
            )
            changed.append("Assessor changed")
        record_api_write(request, token, registration, " and ".join(changed))
    return _registration_out(centre_registration(token, registration_id))
