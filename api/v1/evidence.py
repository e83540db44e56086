"""A registration's evidence and its files' bytes, checked against the SHA-256 taken at upload."""

from __future__ import annotations

from contextlib import ExitStack

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from portfolio.integrity import EvidenceIntegrityError, open_verified
from portfolio.models import Evidence, EvidenceFile

from .. import schemas as s
from ..auth import require
from ..models import Scope
from .common import ERRORS, ObjectId, Paging, centre_registration, page_bounds

router = Router()


@router.get(
    "/registrations/{registration_id}/evidence",
    response={200: s.EvidencePage, **ERRORS},
    url_name="registration-evidence",
    tags=["evidence"],
)
def list_evidence(request, registration_id: ObjectId, paging: Query[Paging]):
    """The portfolio's current evidence (the latest version of each reference), with its files' details."""
    token = require(request, Scope.EVIDENCE_READ)
    limit, offset = page_bounds(paging)
    registration = centre_registration(token, registration_id)
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


@router.get(
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
