"""An apprenticeship's off-the-job training log and progress reviews (404 when the registration is not one)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router

from apprenticeships.models import Apprenticeship, OtjEntry, ProgressReview

from .. import schemas as s
from ..auth import require
from ..models import ApiToken, Scope
from .common import ERRORS, ObjectId

router = Router()


def _apprenticeship(token: ApiToken, registration_id: int) -> Apprenticeship:
    return get_object_or_404(
        Apprenticeship.objects.select_related("registration"),
        registration_id=registration_id,
        registration__centre_id=token.centre_id,
    )


@router.get(
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


@router.get(
    "/registrations/{registration_id}/reviews",
    response={200: list[s.ReviewOut], **ERRORS},
    url_name="registration-reviews",
    tags=["apprenticeships"],
)
def list_reviews(request, registration_id: ObjectId):
    token = require(request, Scope.APPRENTICESHIPS_READ)
    apprenticeship = _apprenticeship(token, registration_id)
    return list(ProgressReview.objects.filter(apprenticeship=apprenticeship).order_by("due_on", "pk"))
