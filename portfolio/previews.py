"""PDF evidence previewed in the page as images of its first pages, drawn on the server with PDFium (pypdfium2).

Browsers do not run their PDF viewer inside a sandboxed frame, and a JavaScript viewer would be a large script to
ship and trust, so the server draws the pages once and the evidence page shows them as plain `<img>`s.

- When: after the upload commits, by the background worker (`queue_preview`; the test settings' "sync" runner
  draws at once); and every few minutes a periodic sweep (`make_missing_previews`) draws what is still missing
  (files uploaded before previews existed, a task lost with its worker). A web request never draws: the image
  view only sends a stored PNG.
- From what: the bytes read through `open_verified`, so only the bytes that match the upload's SHA-256 are drawn;
  a file that fails is reported as every failed check is, and gets no preview.
- How much: the first MAX_PAGES pages, each about TARGET_WIDTH pixels wide and never more than MAX_PIXELS pixels.
  An encrypted, damaged or otherwise undrawable PDF is marked UNAVAILABLE (the page offers the download).
- Where: PNGs beside the evidence file in its storage folder, each with its SHA-256 on the row
  (`EvidenceFile.preview_pages`), checked again each time an image is sent (portfolio.views.files.file_page).
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from portfolio.integrity import EvidenceIntegrityError, open_verified
from portfolio.models import EvidenceFile

logger = logging.getLogger(__name__)

PDF = "application/pdf"
MAX_PAGES = 10
TARGET_WIDTH = 1000  # pixels: sharp on a phone (about 2.5 device pixels per CSS pixel) and on a desktop column
MAX_PIXELS = 1000 * 2000  # per page: a very tall or oddly shaped page is drawn smaller rather than larger
MAX_SCALE = 8.0  # a tiny page (a label, a ticket) is not drawn at many times its size
SWEEP_BATCH = 50  # files drawn per run of the periodic sweep

Preview = EvidenceFile.Preview


class Undrawable(Exception):
    """PDFium could not open or draw the file (encrypted, damaged, not really a PDF, a page of no size)."""


def queue_preview(evidence_file: EvidenceFile) -> None:
    """Draw the preview of a newly stored PDF once the upload has committed, in the background worker."""
    if evidence_file.content_type != PDF:
        return
    pk = evidence_file.pk
    # robust: a preview that cannot be queued (or, with the "sync" runner, drawn) never fails the upload.
    transaction.on_commit(lambda: _dispatch(pk), robust=True)


def _dispatch(pk: int) -> None:
    if getattr(settings, "JOBS_RUNNER", "worker") == "sync":
        make_preview(pk)
        return
    from django_q.tasks import async_task

    async_task("portfolio.previews.make_preview", pk, task_name=f"preview of file #{pk}", group="preview")


def make_preview(file_id: int) -> str:
    """Draw and store the preview of one PDF evidence file, unless it has one. Returns the file's preview state."""
    record = (
        EvidenceFile.objects.select_related("evidence__registration__centre")
        .filter(pk=file_id, content_type=PDF)
        .first()
    )
    if record is None or record.preview != Preview.NOT_MADE or record.is_failing:
        return record.preview if record is not None else ""
    try:
        with open_verified(record, found_by="drawing its preview") as copy:
            pages, page_count = draw_pages(copy)
    except EvidenceIntegrityError:
        return Preview.NOT_MADE  # reported by open_verified; a file restored later is drawn by the sweep
    except Undrawable as error:
        logger.info("No preview of evidence file %s: %s", record.pk, error)
        _finish(record, Preview.UNAVAILABLE, [], None)
        return Preview.UNAVAILABLE
    _finish(record, Preview.READY, _store_pages(record, pages), page_count)
    return Preview.READY


def make_missing_previews(limit: int = SWEEP_BATCH) -> int:
    """The periodic sweep: draw the previews still missing (oldest files first, at most `limit`). Returns how many
    files it tried."""
    ids = list(
        EvidenceFile.objects.filter(content_type=PDF, preview=Preview.NOT_MADE)
        .exclude(integrity__in=[EvidenceFile.Integrity.TAMPERED, EvidenceFile.Integrity.MISSING])
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        try:
            make_preview(pk)
        except Exception:  # noqa: BLE001 - one file's storage error must not stop the others; tried again next run
            logger.exception("Drawing the preview of evidence file %s failed", pk)
    return len(ids)


def page_scale(width: float, height: float) -> float:
    """The scale (pixels per PDF point) that draws a page TARGET_WIDTH pixels wide, within MAX_PIXELS and
    MAX_SCALE."""
    if not (width > 0 and height > 0 and math.isfinite(width) and math.isfinite(height)):
        raise Undrawable(f"a page has no size ({width} x {height} points)")
    scale = min(TARGET_WIDTH / width, MAX_SCALE, math.sqrt(MAX_PIXELS / (width * height)))
    if width * scale < 1 or height * scale < 1:
        raise Undrawable(f"a page is too thin to draw ({width} x {height} points)")
    return scale


def draw_pages(stream) -> tuple[list[tuple[bytes, int, int]], int]:
    """(PNG bytes, width, height) of each of the first MAX_PAGES pages of the PDF read from `stream`, and how many
    pages it has. Raises Undrawable when PDFium cannot open or draw it."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(stream)
    except pdfium.PdfiumError as error:
        raise Undrawable(f"PDFium could not open it ({error})") from None
    try:
        page_count = len(document)
        if page_count < 1:
            raise Undrawable("it has no pages")
        pages = []
        for index in range(min(page_count, MAX_PAGES)):
            page = document[index]
            try:
                width, height = page.get_size()
                bitmap = page.render(scale=page_scale(width, height), may_draw_forms=False)
                image = bitmap.to_pil()
                output = io.BytesIO()
                image.save(output, format="PNG")
                pages.append((output.getvalue(), image.width, image.height))
            finally:
                page.close()
        return pages, page_count
    except (pdfium.PdfiumError, ValueError, OSError, MemoryError) as error:
        raise Undrawable(f"PDFium could not draw it ({error})") from None
    finally:
        document.close()


def _store_pages(record: EvidenceFile, pages: list[tuple[bytes, int, int]]) -> list[dict]:
    """Write the page images beside the file under generated names; on a storage failure remove what was written."""
    storage = record.file.storage
    field = record.file.field
    stored: list[dict] = []
    try:
        for number, (png, width, height) in enumerate(pages, start=1):
            target = field.generate_filename(record, f"{uuid.uuid4().hex}-page-{number}.png")
            name = storage.save(target, ContentFile(png), max_length=field.max_length)
            stored.append({"name": name, "sha256": hashlib.sha256(png).hexdigest(), "width": width, "height": height})
    except Exception:
        _remove(storage, stored)
        raise
    return stored


def _finish(record: EvidenceFile, state: str, pages: list[dict], page_count: int | None) -> None:
    """Save the result unless another run (the upload's task and the sweep at once) saved one first; the images of
    the run that lost are removed."""
    saved = EvidenceFile.objects.filter(pk=record.pk, preview=Preview.NOT_MADE).update(
        preview=state, preview_pages=pages, page_count=page_count
    )
    if not saved:
        _remove(record.file.storage, pages)
        return
    record.preview, record.preview_pages, record.page_count = state, pages, page_count


def _remove(storage, pages: list[dict]) -> None:
    for page in pages:
        try:
            storage.delete(page["name"])
        except Exception:  # noqa: BLE001 - cleaning up must not hide the original error
            logger.warning("Could not remove preview image %s", page["name"], exc_info=True)
