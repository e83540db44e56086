"""The tracking-sheet signatures of a registration's units."""

from __future__ import annotations

from ninja import Router

from tracking.models import Signature

from .. import schemas as s
from ..auth import require
from ..models import Scope
from .common import ERRORS, ObjectId, centre_registration

router = Router()


@router.get(
    "/registrations/{registration_id}/signatures",
    response={200: list[s.SignatureOut], **ERRORS},
    url_name="registration-signatures",
    tags=["signatures"],
)
def list_signatures(request, registration_id: ObjectId):
    """Every tracking-sheet signature of the registration's units, voided ones included (with the reason)."""
    token = require(request, Scope.SIGNATURES_READ)
    registration = centre_registration(token, registration_id)
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
