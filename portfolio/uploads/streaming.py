"""Receiving uploads: each file streamed to a temporary file on disk, stopped as soon as it passes the size limit."""

from __future__ import annotations

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

from .file_types import max_file_bytes, size_limit_label
from .names import sanitise_filename


class EvidenceUploadHandler(TemporaryFileUploadHandler):
    """Streams each uploaded file to a temporary file on disk and stops receiving a file as soon as it passes the
    size limit, so that an oversized upload neither fills memory nor the disk. The refused names are kept on
    `request.refused_uploads` for the view to report."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = max_file_bytes()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            refused = getattr(self.request, "refused_uploads", None)
            if refused is None:
                refused = self.request.refused_uploads = []
            refused.append(
                f"“{sanitise_filename(self.file_name)}” is larger than the limit of {size_limit_label()} a file."
            )
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


def use_evidence_upload_handler(request) -> None:
    """Call before reading request.POST or request.FILES (the view must be csrf_exempt, with csrf_protect inside)."""
    request.upload_handlers = [EvidenceUploadHandler(request)]
    request.refused_uploads = []
