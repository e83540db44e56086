"""A registration's progress: each unit on the learner's plan and each of its criteria."""

from __future__ import annotations

from ninja import Router

from portfolio.progress import registration_progress, unit_statuses

from .. import schemas as s
from ..auth import require
from ..models import Scope
from .common import ERRORS, ObjectId, centre_registration

router = Router()


@router.get(
    "/registrations/{registration_id}/progress",
    response={200: s.ProgressOut, **ERRORS},
    url_name="registration-progress",
    tags=["progress"],
)
def read_progress(request, registration_id: ObjectId):
    """Each unit on the learner's plan and each of its criteria: required on the pathway, state, when met, the
    accepted evidence's references."""
    token = require(request, Scope.PROGRESS_READ)
    registration = centre_registration(token, registration_id)
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
