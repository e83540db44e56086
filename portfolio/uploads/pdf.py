"""PDF documents: opened with qpdf (through pikepdf) and refused if anything in them makes the reader act."""

from __future__ import annotations

import mmap

import pikepdf

from portfolio.services import InvalidFile

from ._common import _check_no_markup, _refuse

# Names that make a PDF reader run something or carry another file: JavaScript (also inside XFA forms), Launch
# actions, XFA forms and embedded files (a macro document inside a PDF).
_PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/Launch"}
_PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch"}
_PDF_FILE_KEYS = {"/EmbeddedFiles", "/EF", "/EmbeddedFile"}
PDF_MAX_OBJECTS = 2_000_000


def _check_pdf(name: str, data: mmap.mmap, path: str) -> None:
    """Open the PDF with qpdf (through pikepdf) and walk every object it holds, those inside compressed object
    streams and behind any filter included, rather than searching the raw bytes for names."""
    size = len(data)
    if data.rfind(b"%%EOF", max(0, size - 2048)) == -1:
        raise _refuse(name, "the PDF is incomplete or damaged (it has no end marker). Save or export it again.")
    _check_no_markup(name, data, whole=True)
    encrypted = _pdf_encrypted(name)
    try:
        with pikepdf.open(path) as document:
            if document.is_encrypted:
                raise encrypted
            objects = document.objects
            if len(objects) > PDF_MAX_OBJECTS:
                raise _refuse(name, "the PDF is too complex to check. Save or export it again and upload that.")
            _check_pdf_object(name, document.trailer)
            for obj in objects:
                _check_pdf_object(name, obj)
    except pikepdf.PasswordError:
        raise encrypted from None
    except pikepdf.PdfError:
        raise _refuse(name, "the PDF is damaged and could not be read. Save or export it again.") from None


def _pdf_encrypted(name: str) -> InvalidFile:
    return _refuse(
        name,
        "the PDF is encrypted or password-protected. Save a copy without protection (for example with "
        "“Print to PDF”) and upload that.",
    )


def _check_pdf_object(name: str, obj) -> None:
    """Refuse `obj` if it, or a dictionary or array written inside it, makes the reader act. Indirect objects it
    points to are checked on their own by the caller's walk, which also stops reference loops."""
    pending = [obj]
    while pending:
        current = pending.pop()
        if isinstance(current, pikepdf.Stream):
            current = current.stream_dict
        if isinstance(current, pikepdf.Dictionary):
            keys = set(current.keys())
            if "/Encrypt" in keys:
                raise _pdf_encrypted(name)
            if keys & _PDF_ACTIVE_KEYS or str(current.get("/S", "")) in _PDF_ACTIVE_ACTIONS:
                raise _refuse(name, "the PDF contains JavaScript or actions that run programs.")
            if "/XFA" in keys:
                raise _refuse(name, "the PDF holds an XFA form, which can run scripts. Print it to a plain PDF.")
            if keys & _PDF_FILE_KEYS or current.get("/Type") == pikepdf.Name.EmbeddedFile:
                raise _refuse(name, "the PDF carries other files inside it. Upload each file on its own.")
            children = current.values()
        elif isinstance(current, pikepdf.Array):
            children = list(current)
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream) and not child.is_indirect
        )
