"""PDFs of tracking sheets (WeasyPrint), fetching nothing but our own static files.

WeasyPrint is given `StaticOnlyFetcher`: it serves files under STATIC_URL (from STATIC_ROOT or the static
finders) for the one made-up origin the documents are rendered at, and refuses everything else: no
network, no `file:` or `data:` URLs, no attachments. Learner text reaches the HTML only through Django's
auto-escaping templates.

Unit sheets are cached in the default storage under pdf-cache/<key>.pdf, where the key hashes everything
the sheet shows (its content, header and signatures): a repeat download is served without rendering and
any change makes a new file.

Speed: the print stylesheet (static tracking/print.css) is parsed once per thread and handed to every render
together with one FontConfiguration, so fonts are found and loaded once, not for each PDF; the templates link
no stylesheet of their own.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils._os import safe_join
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.logger import PROGRESS_LOGGER
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ledger.services import head_of

from .sheets import Sheet

# Documents are rendered as if they lived here; the .invalid top-level domain never resolves.
PDF_BASE_URL = "https://pdf.portfolio.invalid/"
_PDF_HOST = "pdf.portfolio.invalid"
CACHE_FOLDER = "pdf-cache"
PRINT_STYLESHEET = "tracking/print.css"  # a static file

logger = logging.getLogger(__name__)


class ResourceRefused(ValueError):
    """WeasyPrint asked for something other than one of our static files."""


def static_file_for(url: str) -> Path:
    """The static file a URL names, or ResourceRefused for any URL that is not one of our static files."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname != _PDF_HOST or parts.port or parts.username:
        raise ResourceRefused(
            _("Refused to fetch %(value)s: only our own static files are served to PDFs.") % {"value": f"{url[:200]!r}"}
        )
    static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    path = unquote(parts.path)
    if not path.startswith(static_url):
        raise ResourceRefused(_("Refused to fetch %(value)s: not a static file.") % {"value": f"{url[:200]!r}"})
    relative = path[len(static_url) :]
    if not relative or "\\" in relative or "\x00" in relative or any(p in ("..", ".") for p in relative.split("/")):
        raise ResourceRefused(_("Refused to fetch %(value)s: not a static file.") % {"value": f"{url[:200]!r}"})
    return _static_path(relative)


def _static_path(relative: str) -> Path:
    """A static file by its path under STATIC_URL: the source file (static finders) first, so a stale copy left
    in STATIC_ROOT by an earlier collectstatic never wins, else the collected file."""
    found = finders.find(relative)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        try:
            candidate = Path(safe_join(str(settings.STATIC_ROOT), relative))
        except Exception as exc:  # SuspiciousFileOperation
            raise ResourceRefused(
                _("Refused to fetch static file %(value)s.") % {"value": f"{relative[:200]!r}"}
            ) from exc
        if candidate.is_file():
            return candidate
    raise ResourceRefused(_("No static file %(relative)s.") % {"relative": f"{relative!r}"})


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves our static files and nothing else."""

    def __init__(self):
        super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        path = static_file_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):
        return self.fetch(getattr(url, "full_url", url))


class _PageProgress(logging.Handler):
    """Hears WeasyPrint's "Creating layout - Page N" progress messages from the current thread."""

    def __init__(self, callback: Callable[[int], None]):
        super().__init__(level=logging.INFO)
        self.callback = callback
        self.thread = threading.get_ident()

    def emit(self, record):
        if record.thread != self.thread or "Creating layout - Page" not in str(record.msg):
            return
        try:
            self.callback(int(record.args[0]))
        except Exception:  # progress is a nicety; never break the rendering for it
            logger.debug("Ignoring a progress report", exc_info=True)


_per_thread = threading.local()  # Pango's font maps are not thread-safe: one stylesheet and font set per thread


def print_stylesheet() -> tuple[CSS, FontConfiguration]:
    """The print stylesheet, parsed, with the font configuration it was parsed for: built on a thread's first
    PDF and reused after (again only if the stylesheet file changes)."""
    path = _static_path(PRINT_STYLESHEET)
    stamp = (str(path), path.stat().st_mtime_ns)
    cached = getattr(_per_thread, "stylesheet", None)
    if cached is None or cached[0] != stamp:
        font_config = FontConfiguration()
        stylesheet = CSS(
            string=path.read_text(encoding="utf-8"),
            base_url=PDF_BASE_URL,
            url_fetcher=StaticOnlyFetcher(),
            font_config=font_config,
        )
        cached = _per_thread.stylesheet = (stamp, stylesheet, font_config)
    return cached[1], cached[2]


def render_pdf(html: str, *, on_page: Callable[[int], None] | None = None) -> bytes:
    """Render our own HTML (from a template) to PDF bytes, with the print stylesheet."""
    stylesheet, font_config = print_stylesheet()
    handler = None
    if on_page is not None:
        handler = _PageProgress(on_page)
        PROGRESS_LOGGER.addHandler(handler)
        previous = PROGRESS_LOGGER.level, PROGRESS_LOGGER.propagate
        PROGRESS_LOGGER.setLevel(logging.INFO)
        PROGRESS_LOGGER.propagate = False  # keep WeasyPrint's step-by-step messages out of the console
    try:
        document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyFetcher())
        return document.write_pdf(stylesheets=[stylesheet], font_config=font_config, attachments=[])
    finally:
        if handler is not None:
            PROGRESS_LOGGER.removeHandler(handler)
            PROGRESS_LOGGER.setLevel(previous[0])
            PROGRESS_LOGGER.propagate = previous[1]


@dataclass(frozen=True)
class PrintedRow:
    """One criterion's row of a printed sheet, as the words it prints (auto-escaped by the template)."""

    outcome: str  # "1. Understand ..." on the first row of a learning outcome, else ""
    criterion: str  # "1.1 Explain ..."
    methods: str
    references: str
    met: str  # the date met, "Not required" off the learner's pathway, else ""


@dataclass(frozen=True)
class PrintedSheet:
    sheet: Sheet
    rows: list[PrintedRow]


def printed_sheet(sheet: Sheet) -> PrintedSheet:
    """The sheet with its rows' words worked out in Python: the template only places them."""
    rows = []
    for outcome_status in sheet.status.outcomes:
        outcome = outcome_status.outcome
        for index, status in enumerate(outcome_status.criteria):
            if status.met:
                met = status.met_on.strftime("%d/%m/%Y")
            else:
                met = "" if status.required else "Not required"
            rows.append(
                PrintedRow(
                    outcome=f"{outcome.number}. {outcome.text}" if index == 0 else "",
                    criterion=f"{status.criterion.code_label} {status.text}",
                    methods=", ".join(status.methods),
                    references=", ".join(status.reference_labels),
                    met=met,
                )
            )
    return PrintedSheet(sheet, rows)


def unit_sheet_html(sheet: Sheet, chain_head=None) -> str:
    return render_to_string(
        "tracking/pdf/unit_sheet.html",
        {"printed": printed_sheet(sheet), "registration": sheet.registration, "chain_head": chain_head},
    )


def unit_sheet_pdf(sheet: Sheet) -> bytes:
    """The sheet as an A4 PDF: from the cache when nothing it shows has changed, else rendered and cached."""
    chain_head = head_of(sheet.registration.pk)  # printed on the sheet, so part of what the cache is keyed by
    name = f"{CACHE_FOLDER}/{sheet.pdf_key}-{chain_head.head_hash[:16] if chain_head else 'nochain'}.pdf"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as cached:
            return cached.read()
    pdf = render_pdf(unit_sheet_html(sheet, chain_head))
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:  # another request cached the same sheet meanwhile: keep one copy
        default_storage.delete(saved)
    return pdf
