"""How a permitted download is sent, by settings.EVIDENCE_SERVE (docs/deploy.md, section 4). The view has already
checked who may have the file; these only answer with its bytes, or tell the web server or S3 to.

- "django": stream it from storage, one byte range on request (206) so that Safari can play and seek video.
- "x-accel": an empty answer with `X-Accel-Redirect` to nginx's internal location (EVIDENCE_XACCEL_PREFIX), which
  serves the file from MEDIA_ROOT itself, ranges included. Files on local disk only.
- "s3-presigned": a redirect to a presigned URL of the object that lives EVIDENCE_PRESIGNED_SECONDS, asking S3 to
  answer with our safe file name, type and no caching. S3-compatible storage only.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from storages.backends.s3 import S3Storage

from portfolio.ranges import ByteRange, FileSlice, RangeNotSatisfiable, requested_range
from portfolio.uploads import content_disposition


def send_stored_file(request, field_file, *, content_type: str, filename: str, inline: bool, etag: str):
    """The answer that sends `field_file`. Raises FileNotFoundError when streaming a file storage does not hold."""
    disposition = content_disposition(filename, attachment=not inline)
    mode = settings.EVIDENCE_SERVE
    if mode == "x-accel":
        return _x_accel(field_file, content_type, disposition)
    if mode == "s3-presigned":
        return _presigned(field_file, content_type, disposition)
    return _stream(request, field_file, content_type, disposition, etag)


def _x_accel(field_file, content_type: str, disposition: str) -> HttpResponse:
    if not isinstance(field_file.storage, FileSystemStorage):
        raise ImproperlyConfigured('EVIDENCE_SERVE="x-accel" serves files from MEDIA_ROOT: use it with local storage.')
    response = HttpResponse(content_type=content_type)
    # nginx keeps Content-Type, Content-Disposition and Cache-Control from this answer and serves the file.
    response["X-Accel-Redirect"] = settings.EVIDENCE_XACCEL_PREFIX + quote(field_file.name.lstrip("/"))
    response["Content-Disposition"] = disposition
    return response


def _presigned(field_file, content_type: str, disposition: str) -> HttpResponse:
    storage = field_file.storage
    if not isinstance(storage, S3Storage):
        raise ImproperlyConfigured('EVIDENCE_SERVE="s3-presigned" needs S3 storage (AWS_STORAGE_BUCKET_NAME).')
    url = storage.url(
        field_file.name,
        parameters={
            "ResponseContentDisposition": disposition,
            "ResponseContentType": content_type,
            "ResponseCacheControl": "private, no-store",
        },
        expire=settings.EVIDENCE_PRESIGNED_SECONDS,
    )
    return HttpResponseRedirect(url)


def _stream(request, field_file, content_type: str, disposition: str, etag: str) -> HttpResponse:
    storage = field_file.storage
    size = storage.size(field_file.name)  # FileNotFoundError when the storage has no such file
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
        response["Content-Disposition"] = disposition
    response["Accept-Ranges"] = "bytes"
    # The file's SHA-256 is a strong validator: a client resuming with If-Range gets the range only if the
    # file is still the one it started on.
    response["ETag"] = etag
    return response


def _requested_range(request, size: int, etag: str) -> ByteRange | None:
    """The byte range to send (None for the whole file), honouring If-Range; RangeNotSatisfiable for a 416."""
    if request.method not in ("GET", "HEAD"):
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != etag:
        return None  # a date, a weak tag or another file's tag: the client's part may be stale
    return requested_range(request.headers.get("Range"), size)
