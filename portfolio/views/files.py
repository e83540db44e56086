"""Evidence files go out only through these views: permission checked, integrity checked, never sniffed.

A single byte range is served on request (206), so that Safari can play and seek video and audio; the whole
file's hash is checked before any part of it is sent.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404

from centres.models import record_event
from portfolio.access import get_evidence_file_for, portfolios_for
from portfolio.models import AdjustmentFile, EvidenceFile
from portfolio.ranges import ByteRange, FileSlice, RangeNotSatisfiable, requested_range
from portfolio.uploads import content_disposition, download_name, sha256_of_stored

logger = logging.getLogger(__name__)

SANDBOX = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"


def _protect(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _serve(
    request, record, field_file, expected: str, content_type: str, *, inline: bool, kind: str, registration, **about
):
    """Send a stored file (an evidence or adjustment file) after checking its hash; `about` goes into the
    history event of a failed check."""
    if not field_file or not field_file.name:
        raise Http404("No such file.")
    storage = field_file.storage
    try:
        actual = sha256_of_stored(field_file.name, storage)
    except FileNotFoundError:
        actual = None
    if actual != expected:
        record_event(
            action=f"{kind}.integrity_failed",
            obj=record,
            actor=request.user,
            centre=registration.centre,
            registration_id=registration.pk,
            summary=f"“{record.original_name}” failed its integrity check and was not sent",
            **about,
            stored_name=field_file.name,
            expected=expected,
            actual=actual,
        )
        logger.error(
            "%s %s failed its integrity check (expected %s, found %s)",
            record._meta.verbose_name,
            record.pk,
            expected,
            actual,
        )
        return _protect(
            HttpResponse(
                "This file failed its integrity check and has not been sent. The centre has been told; "
                "ask your centre admin for help.",
                status=500,
                content_type="text/plain; charset=utf-8",
            )
        )
    size = storage.size(field_file.name)
    etag = f'"{expected}"'
    try:
        byte_range = _requested_range(request, size, etag)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416, content_type="text/plain; charset=utf-8")
        response["Content-Range"] = f"bytes */{size}"
    else:
        handle = storage.open(field_file.name, "rb")
        if byte_range is None:
            response = FileResponse(handle, content_type=content_type)
        else:
            response = FileResponse(FileSlice(handle, byte_range), status=206, content_type=content_type)
            response["Content-Range"] = byte_range.content_range(size)
            response["Content-Length"] = byte_range.length
        response["Content-Disposition"] = content_disposition(
            download_name(record.original_name, content_type), attachment=not inline
        )
    response["Accept-Ranges"] = "bytes"
    # The file's SHA-256 is a strong validator: a client resuming with If-Range gets the range only if the
    # file is still the one it started on.
    response["ETag"] = etag
    return _protect(response)


def _requested_range(request, size: int, etag: str) -> ByteRange | None:
    """The byte range to send (None for the whole file), honouring If-Range; RangeNotSatisfiable for a 416."""
    if request.method not in ("GET", "HEAD"):
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != etag:
        return None  # a date, a weak tag or another file's tag: the client's part may be stale
    return requested_range(request.headers.get("Range"), size)


@login_required
def file_download(request, pk: int):
    record = get_evidence_file_for(request.user, pk)
    # Photos, audio and video may play in the page; everything else (PDF included: a sandboxed page cannot run a
    # PDF viewer) downloads.
    inline = record.kind in {"image", "audio", "video"} and request.GET.get("download") != "1"
    return _serve(request, record, record.file, record.sha256, record.content_type, inline=inline, **_about(record))


@login_required
def file_thumbnail(request, pk: int):
    record = get_evidence_file_for(request.user, pk)
    if not record.thumbnail:
        raise Http404("This file has no thumbnail.")
    return _serve(
        request, record, record.thumbnail, record.thumbnail_sha256, "image/jpeg", inline=True, **_about(record)
    )


def _about(record: EvidenceFile) -> dict:
    return {
        "kind": "evidence_file",
        "registration": record.evidence.registration,
        "evidence_reference": record.evidence.reference,
    }


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
    return _serve(
        request,
        record,
        record.file,
        record.sha256,
        record.content_type,
        inline=False,
        kind="adjustment_file",
        registration=record.adjustment.registration,
        adjustment=record.adjustment_id,
    )
