"""Small helpers the portfolio views share."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from portfolio.uploads import (
    ACCEPT,
    ALLOWED_DESCRIPTION,
    max_file_bytes,
    size_limit_label,
    use_evidence_upload_handler,
)


def upload_view(view):
    """Stream the view's uploads through portfolio.uploads.EvidenceUploadHandler (capped at the size limit).
    The handler must be in place before anything reads the request body, so CSRF is checked after it is set."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            use_evidence_upload_handler(request)
        return protected(request, *args, **kwargs)

    return wrapper


def upload_context() -> dict:
    """What the file inputs (templates/portfolio/_upload_fields.html) say and check in the browser."""
    return {
        "accept": ACCEPT,
        "max_bytes": max_file_bytes(),
        "size_limit": size_limit_label(),
        "allowed_description": ALLOWED_DESCRIPTION,
    }


def uploaded_files(request) -> list:
    return [*request.FILES.getlist("photo"), *request.FILES.getlist("files")]


def refused_upload_messages(request) -> list[str]:
    """Why each file the upload handler refused was refused, and that nothing was saved: the one upload check every
    view that takes files makes (empty when every file was taken)."""
    refused = list(getattr(request, "refused_uploads", []) or [])
    return [*refused, gettext("Nothing was saved: choose the files again.")] if refused else []


def uploads_refused(request) -> bool:
    """Say the refused uploads' messages on the page, and answer whether there were any, so the view saves
    nothing."""
    refused = refused_upload_messages(request)
    for message in refused:
        messages.error(request, message)
    return bool(refused)


def require_permission(allowed: bool, message: str = "Your role does not allow this.") -> None:
    if not allowed:
        raise PermissionDenied(message)
