"""Evidence files go out only through these views: permission checked first, never sniffed, and sent as
settings.EVIDENCE_SERVE says (streamed here, by nginx through X-Accel-Redirect, or by a presigned S3 URL: see
portfolio.serving).

Evidence downloads do not hash the file (a video is fetched in many range requests): evidence files are verified at
upload, when packed and periodically (portfolio.integrity), and a file whose last check failed is refused here. A
file found missing while streaming is reported like a failed check. Adjustment files (small letters) are still
hashed on each download.

Readers outside the portfolio's own roles (an employer contact, when the centre allows it) get the file through
`send_verified_file`: a copy hashed against the upload's SHA-256 on its way out, so they are never sent bytes that
changed since upload.
"""

from __future__ import annotations

import hashlib
import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404

from centres.access import access_profile
from centres.models import record_event
from portfolio.access import get_evidence_file_for, portfolios_for
from portfolio.integrity import EvidenceIntegrityError, report_missing, verified_copy
from portfolio.models import AdjustmentFile, EvidenceFile, Registration
from portfolio.serving import send_stored_file
from portfolio.uploads import content_disposition, download_name, sha256_of_stored

logger = logging.getLogger(__name__)

SANDBOX = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
REFUSED = (
    "This file failed its integrity check and has not been sent. The centre has been told; "
    "ask your centre admin for help."
)


def _protect(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["X-Frame-Options"] = "DENY"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _refused() -> HttpResponse:
    return _protect(HttpResponse(REFUSED, status=500, content_type="text/plain; charset=utf-8"))


def _send(request, field_file, expected: str, content_type: str, *, name: str, inline: bool) -> HttpResponse:
    return _protect(
        send_stored_file(
            request,
            field_file,
            content_type=content_type,
            filename=download_name(name, content_type),
            inline=inline,
            etag=f'"{expected}"',
        )
    )


def _serve_evidence(request, record: EvidenceFile, field_file, expected: str, content_type: str, *, inline: bool):
    if not field_file or not field_file.name:
        raise Http404("No such file.")
    if record.is_failing:
        return _refused()
    try:
        return _send(request, field_file, expected, content_type, name=record.original_name, inline=inline)
    except FileNotFoundError:
        report_missing(record, actor=request.user, found_by="a download")
        return _refused()


def _evidence_file_for(user, pk: int) -> EvidenceFile:
    """The file, if the user may read its evidence. Refused: 403 to someone of the file's centre (its staff, an EQA
    linked to it, a learner registered there) whose role does not reach this file; 404 to anyone else, so that
    another centre's files are not even confirmed to exist."""
    try:
        return get_evidence_file_for(user, pk)
    except Http404:
        centre_id = EvidenceFile.objects.filter(pk=pk).values_list("evidence__registration__centre_id", flat=True)
        centre_id = centre_id.first()
        profile = access_profile(user)
        if centre_id is not None and (
            centre_id in profile.centre_ids()
            or any(centre.pk == centre_id for centre in profile.eqa_centres)
            or Registration.objects.filter(learner=user, centre_id=centre_id).exists()
        ):
            raise PermissionDenied("You may not open this file.") from None
        raise


def send_verified_file(request, record: EvidenceFile, *, found_by: str) -> HttpResponse:
    """The evidence file's bytes, hashed against the SHA-256 taken at upload on their way out (a copy read once,
    portfolio.integrity.verified_copy), streamed here whatever EVIDENCE_SERVE says and without byte ranges. The view
    has already checked who may have it. Photos, audio and video show in the browser, anything else downloads. A
    file that fails the check (or whose last check failed) is refused, and the centre told."""
    if not record.file or not record.file.name:
        raise Http404("No such file.")
    if record.is_failing:
        return _refused()
    try:
        copy = verified_copy(record, actor=request.user, found_by=found_by)
    except EvidenceIntegrityError:
        return _refused()
    inline = record.kind in {"image", "audio", "video"} and request.GET.get("download") != "1"
    response = FileResponse(copy, content_type=record.content_type)
    response["Content-Disposition"] = content_disposition(
        download_name(record.original_name, record.content_type), attachment=not inline
    )
    response["Content-Length"] = record.size
    return _protect(response)


@login_required
def file_download(request, pk: int):
    record = _evidence_file_for(request.user, pk)
    # Photos, audio and video may play in the page; everything else (a PDF included: the page shows its pages as
    # images, see file_page) downloads.
    inline = record.kind in {"image", "audio", "video"} and request.GET.get("download") != "1"
    return _serve_evidence(request, record, record.file, record.sha256, record.content_type, inline=inline)


@login_required
def file_thumbnail(request, pk: int):
    record = _evidence_file_for(request.user, pk)
    if not record.thumbnail:
        raise Http404("This file has no thumbnail.")
    return _serve_evidence(request, record, record.thumbnail, record.thumbnail_sha256, "image/jpeg", inline=True)


@login_required
def file_page(request, pk: int, page: int):
    """One page of a PDF's preview, as the PNG the worker drew from the verified file (portfolio.previews). Sent only
    while the file passes its checks, and only if the image is still the one drawn: it is small, so it is hashed
    on every request. Never draws anything here."""
    record = _evidence_file_for(request.user, pk)
    if record.is_failing:
        return _refused()
    pages = record.preview_pages if record.preview == EvidenceFile.Preview.READY else []
    if not 1 <= page <= len(pages):
        raise Http404("This file has no such preview page.")
    stored = pages[page - 1]
    try:
        with record.file.storage.open(stored["name"], "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        data = None
    actual = hashlib.sha256(data).hexdigest() if data is not None else None
    if actual != stored["sha256"]:
        record_event(
            action="evidence_file.preview_integrity_failed",
            obj=record,
            actor=request.user,
            registration=record.evidence.registration,
            summary=f"Page {page} of the preview of “{record.original_name}” failed its integrity check; not sent",
            stored_name=stored["name"],
            expected=stored["sha256"],
            actual=actual,
        )
        logger.error("Preview page %s of evidence file %s failed its integrity check", page, record.pk)
        return _refused()
    response = HttpResponse(data, content_type="image/png")
    response["Content-Disposition"] = content_disposition(f"page-{page}.png", attachment=False)
    return _protect(response)


@login_required
def adjustment_file(request, pk: int):
    """A supporting file of a reasonable adjustment, for whoever may open the learner's portfolio. Downloaded,
    never shown in the page (it may be a medical letter)."""
    record = get_object_or_404(
        AdjustmentFile.objects.filter(
            adjustment__registration__in=portfolios_for(request.user).values("pk")
        ).select_related("adjustment__registration__centre"),
        pk=pk,
    )
    registration = record.adjustment.registration
    if not record.file or not record.file.name:
        raise Http404("No such file.")
    try:
        actual = sha256_of_stored(record.file.name, record.file.storage)
    except FileNotFoundError:
        actual = None
    if actual != record.sha256:
        record_event(
            action="adjustment_file.integrity_failed",
            obj=record,
            actor=request.user,
            registration=registration,
            summary=f"“{record.original_name}” failed its integrity check and was not sent",
            adjustment=record.adjustment_id,
            stored_name=record.file.name,
            expected=record.sha256,
            actual=actual,
        )
        logger.error(
            "Adjustment file %s failed its integrity check (expected %s, found %s)", record.pk, record.sha256, actual
        )
        return _refused()
    return _send(request, record.file, record.sha256, record.content_type, name=record.original_name, inline=False)
