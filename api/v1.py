"""Version 1 of the REST API, for a centre's management information system and other integrations.

Every operation reads only the calling token's centre (another centre's ids are a 404), needs one scope (403
without it), and writes only through the portfolio's services, which check the rules and record the history; the
token's name is recorded beside each write (`_record_api_write`). See docs/api.md."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Annotated

import annotated_types
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema, Status

from apprenticeships.models import Apprenticeship, OtjEntry, ProgressReview
from centres.models import User, record_event
from centres.services import normalise_email
from core.errors import DomainError, NotAllowed
from portfolio.integrity import EvidenceIntegrityError, open_verified
from portfolio.models import Evidence, EvidenceFile, Registration
from portfolio.progress import registration_progress, unit_statuses
from portfolio.services.registration import (
    RegistrationError,
    RegistrationInput,
    change_dates,
    move_to_assessor,
    register_learner,
)
from qualifications.models import Qualification
from tracking.models import Signature

from . import schemas as s
from .auth import BodyTooLarge, RateLimited, TokenAuth, max_body_bytes, require
from .models import ApiToken, Scope

# An object's id in a path: a positive 64-bit integer, so that a number no database column can hold is refused (422)
# before any query is built.
ObjectId = Annotated[int, annotated_types.Interval(ge=1, le=2**63 - 1)]

api = NinjaAPI(
    title="E-portfolio API",
    version="1",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    description="A centre's registrations, progress, evidence, signatures and apprenticeship records. See docs/api.md.",
)

ERRORS = {401: s.Problem, 403: s.Problem, 404: s.Problem, 413: s.Problem, 422: s.Problem, 429: s.Problem}
MAX_LIMIT = 200


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    response = api.create_response(request, {"detail": "Too many requests: try again later."}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(BodyTooLarge)
def _too_large(request, exc):
    return api.create_response(request, {"detail": f"The body is larger than {max_body_bytes()} bytes."}, status=413)


@api.exception_handler(NotAllowed)
def _not_allowed(request, exc: NotAllowed):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(DomainError)
def _refused(request, exc: DomainError):
    errors = {key or "__all__": messages for key, messages in exc.field_errors().items()}
    return api.create_response(request, {"detail": str(exc), "errors": errors}, status=422)


def _paging(paging: Paging) -> tuple[int, int]:
    return paging.limit, paging.offset


def _registrations(token: ApiToken):
    return Registration.objects.filter(centre_id=token.centre_id).select_related(
        "learner", "qualification", "pathway", "assessor", "iqa", "tutor"
    )


def _registration(token: ApiToken, registration_id: int) -> Registration:
    return get_object_or_404(_registrations(token), pk=registration_id)


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


def _record_api_write(request, token: ApiToken, registration: Registration, what: str) -> None:
    """The token beside the services' own entries: which integration made the change, in the same transaction."""
    record_event(
        action="api.write",
        obj=registration,
        actor=token.created_by,
        registration=registration,
        actor_label=f"API token {token.name}",
        summary=f"{what} through the API token {token.name}",
        token=token.name,
        token_id=token.pk,
        method=request.method,
        path=request.path,
    )


def _user_by_email(email: str | None) -> User | None:
    return User.objects.filter(email=normalise_email(email)).first() if email else None


# --- Registrations ------------------------------------------------------------------------------------------


class RegistrationFilters(Schema):
    status: Registration.Status | None = None
    qualification: str | None = Field(None, max_length=20, pattern=s.NO_NUL, description="A qualification number.")
    assessor: str | None = Field(None, max_length=254, pattern=s.NO_NUL, description="The assessor's email address.")
    learner: str | None = Field(None, max_length=254, pattern=s.NO_NUL, description="The learner's email address.")


@api.get(
    "/registrations", response={200: s.RegistrationPage, **ERRORS}, url_name="registrations", tags=["registrations"]
)
def list_registrations(request, filters: Query[RegistrationFilters], paging: Query[Paging]):
    """The centre's registrations, oldest first, filtered by status, qualification number, assessor's or learner's
    email address."""
    token = require(request, Scope.REGISTRATIONS_READ)
    limit, offset = _paging(paging)
    found = _registrations(token).order_by("pk")
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


@api.get(
    "/registrations/{registration_id}",
    response={200: s.RegistrationOut, **ERRORS},
    url_name="registration",
    tags=["registrations"],
)
def read_registration(request, registration_id: ObjectId):
    token = require(request, Scope.REGISTRATIONS_READ)
    return _registration_out(_registration(token, registration_id))


@api.post(
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
        _record_api_write(request, token, registration, "Registered")
    return Status(201, _registration_out(_registration(token, registration.pk)))


@api.patch(
    "/registrations/{registration_id}",
    response={200: s.RegistrationOut, **ERRORS},
    url_name="registration-update",
    tags=["registrations"],
)
def update_registration(request, registration_id: ObjectId, body: s.RegistrationPatch):
    """Change the start and planned end dates, the assessor, or both: all or nothing."""
    token = require(request, Scope.REGISTRATIONS_WRITE)
    registration = _registration(token, registration_id)
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
        _record_api_write(request, token, registration, " and ".join(changed))
    return _registration_out(_registration(token, registration_id))


# --- Progress, evidence, signatures -------------------------------------------------------------------------


@api.get(
    "/registrations/{registration_id}/progress",
    response={200: s.ProgressOut, **ERRORS},
    url_name="registration-progress",
    tags=["progress"],
)
def read_progress(request, registration_id: ObjectId):
    """Each unit on the learner's plan and each of its criteria: required on the pathway, state, when met, the
    accepted evidence's references."""
    token = require(request, Scope.PROGRESS_READ)
    registration = _registration(token, registration_id)
    figures = registration_progress([registration])[registration.pk]
    units = [
        {
            "reference": status.unit.reference,
            "title": status.unit.title,
            "required": status.required,
            "met": status.met,
            "carried_over": status.carried is not None,
            "criteria": [
                {
                    "code": criterion.criterion.code,
                    "text": criterion.text,
                    "required": criterion.required,
                    "state": criterion.state,
                    "met_on": criterion.met_on,
                    "evidence_references": criterion.references,
                }
                for criterion in status.criteria
            ],
        }
        for status in unit_statuses(registration)
    ]
    return {
        "registration": registration.pk,
        "met": figures.met,
        "required": figures.required,
        "percent": figures.percent,
        "units": units,
    }


@api.get(
    "/registrations/{registration_id}/evidence",
    response={200: s.EvidencePage, **ERRORS},
    url_name="registration-evidence",
    tags=["evidence"],
)
def list_evidence(request, registration_id: ObjectId, paging: Query[Paging]):
    """The portfolio's current evidence (the latest version of each reference), with its files' details."""
    token = require(request, Scope.EVIDENCE_READ)
    limit, offset = _paging(paging)
    registration = _registration(token, registration_id)
    found = Evidence.objects.filter(registration=registration, is_current=True).order_by("reference")
    count = found.count()
    page = list(found.prefetch_related("methods", "files")[offset : offset + limit])
    items = [
        {
            "id": evidence.pk,
            "reference": evidence.reference,
            "version": evidence.version,
            "title": evidence.title,
            "date": evidence.date,
            "status": evidence.status,
            "methods": sorted(method.code for method in evidence.methods.all()),
            "submitted_at": evidence.submitted_at,
            "files": [
                {
                    "id": file.pk,
                    "original_name": file.original_name,
                    "content_type": file.content_type,
                    "size": file.size,
                    "sha256": file.sha256,
                    "integrity": file.integrity,
                    "uploaded_at": file.uploaded_at,
                }
                for file in evidence.files.all()
            ],
        }
        for evidence in page
    ]
    return {"count": count, "limit": limit, "offset": offset, "items": items}


@api.get(
    "/evidence-files/{file_id}/content",
    response={**ERRORS, 409: s.Problem},
    url_name="evidence-file-content",
    tags=["evidence"],
    openapi_extra={
        "responses": {200: {"description": "The file's bytes, checked against its SHA-256.", "content": {"*/*": {}}}}
    },
)
def download_evidence_file(request, file_id: ObjectId):
    """The file's bytes, only once they match the SHA-256 taken at upload (409 and reported otherwise)."""
    token = require(request, Scope.EVIDENCE_FILES_READ)
    evidence_file = get_object_or_404(
        EvidenceFile.objects.select_related("evidence__registration__centre"),
        pk=file_id,
        evidence__registration__centre_id=token.centre_id,
    )
    stack = ExitStack()
    try:
        copy = stack.enter_context(
            open_verified(evidence_file, actor=token.created_by, found_by=f"a download through the API ({token.name})")
        )
    except EvidenceIntegrityError as error:
        return Status(409, {"detail": str(error)})
    response = FileResponse(
        copy, content_type=evidence_file.content_type, as_attachment=True, filename=evidence_file.original_name
    )
    response.headers["X-Content-SHA256"] = evidence_file.sha256
    return response


@api.get(
    "/registrations/{registration_id}/signatures",
    response={200: list[s.SignatureOut], **ERRORS},
    url_name="registration-signatures",
    tags=["signatures"],
)
def list_signatures(request, registration_id: ObjectId):
    """Every tracking-sheet signature of the registration's units, voided ones included (with the reason)."""
    token = require(request, Scope.SIGNATURES_READ)
    registration = _registration(token, registration_id)
    signatures = (
        Signature.objects.filter(sign_off__registration=registration)
        .select_related("sign_off__unit")
        .order_by("signed_at", "pk")
    )
    return [
        {
            "unit": signature.sign_off.unit.reference,
            "role": signature.role,
            "name_at_signing": signature.name_at_signing,
            "signed_at": signature.signed_at,
            "content_hash": signature.content_hash,
            "voided_at": signature.voided_at,
            "void_reason": signature.void_reason,
        }
        for signature in signatures
    ]


# --- Apprenticeships ----------------------------------------------------------------------------------------


def _apprenticeship(token: ApiToken, registration_id: int) -> Apprenticeship:
    return get_object_or_404(
        Apprenticeship.objects.select_related("registration"),
        registration_id=registration_id,
        registration__centre_id=token.centre_id,
    )


@api.get(
    "/registrations/{registration_id}/otj",
    response={200: s.OtjOut, **ERRORS},
    url_name="registration-otj",
    tags=["apprenticeships"],
)
def read_otj(request, registration_id: ObjectId):
    """The off-the-job training log: the target, the hours logged and verified, each entry (404 when the
    registration is not an apprenticeship)."""
    token = require(request, Scope.APPRENTICESHIPS_READ)
    apprenticeship = _apprenticeship(token, registration_id)
    entries = list(OtjEntry.objects.filter(apprenticeship=apprenticeship).order_by("date", "pk"))
    return {
        "registration": registration_id,
        "target_hours": apprenticeship.otj_target_hours,
        "actual_hours": sum((entry.hours for entry in entries), start=0),
        "verified_hours": sum((entry.hours for entry in entries if entry.verified_at), start=0),
        "entries": [
            {
                "id": entry.pk,
                "date": entry.date,
                "hours": entry.hours,
                "activity_type": entry.activity_type,
                "description": entry.description,
                "verified": entry.verified_at is not None,
            }
            for entry in entries
        ],
    }


@api.get(
    "/registrations/{registration_id}/reviews",
    response={200: list[s.ReviewOut], **ERRORS},
    url_name="registration-reviews",
    tags=["apprenticeships"],
)
def list_reviews(request, registration_id: ObjectId):
    token = require(request, Scope.APPRENTICESHIPS_READ)
    apprenticeship = _apprenticeship(token, registration_id)
    return list(ProgressReview.objects.filter(apprenticeship=apprenticeship).order_by("due_on", "pk"))
