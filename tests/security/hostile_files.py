"""Hostile and malformed files, made in memory: each is (name, bytes, content type the browser claims)."""

from tests.samples import (
    jpeg_bytes,
    mp4_with_html,
    ooxml_bytes,
    pdf_bytes,
    pdf_with_hidden_javascript,
    png_bytes,
    png_claiming_size,
    zip_bomb_docx,
    zip_bytes,
)

PNG = png_bytes((8, 8))
SCRIPT = b"<script>alert(document.cookie)</script>"

# (case id, file name, content, claimed content type, words the refusal message must contain)
HOSTILE_FILES = [
    (
        "svg-with-script",
        "drawing.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>",
        "image/svg+xml",
        "not accepted",
    ),
    ("html-with-script", "page.html", b"<!doctype html><html><body>" + SCRIPT + b"</body></html>", "text/html", ""),
    ("html-named-pdf", "report.pdf", b"<html><body>" + SCRIPT + b"</body></html>", "application/pdf", ""),
    ("png-header-then-html", "photo.png", b"\x89PNG\r\n\x1a\n" + b"<html>" + SCRIPT + b"</html>", "image/png", ""),
    ("png-then-html-after-image", "photo.png", PNG + b"<html><body>" + SCRIPT, "image/png", "web page"),
    ("polyglot-png-zip", "photo.png", PNG + zip_bytes(), "image/png", "hides another file"),
    ("polyglot-png-pdf", "photo.png", PNG + pdf_bytes(), "image/png", "hides another file"),
    (
        "polyglot-jpeg-php",
        "photo.jpg",
        jpeg_bytes() + b"<?php system($_GET['c']); ?>",
        "image/jpeg",
        "hides another file",
    ),
    (
        "pdf-with-javascript",
        "form.pdf",
        pdf_bytes(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
        "application/pdf",
        "JavaScript",
    ),
    (
        "pdf-with-escaped-javascript",
        "form.pdf",
        pdf_bytes(catalog_extra=b"/OpenAction << /S /JavaScript /J#53 (x) >> "),
        "application/pdf",
        "JavaScript",
    ),
    (
        "pdf-with-launch-action",
        "form.pdf",
        pdf_bytes(catalog_extra=b"/OpenAction << /S /Launch /F (calc.exe) >> "),
        "application/pdf",
        "JavaScript",
    ),
    (
        "pdf-javascript-in-object-stream",
        "form.pdf",
        pdf_with_hidden_javascript(),
        "application/pdf",
        "JavaScript",
    ),
    (
        "pdf-with-html-inside",
        "form.pdf",
        pdf_bytes(content=b"BT ET % <html><script>alert(1)</script>"),
        "application/pdf",
        "web page",
    ),
    ("pdf-truncated", "form.pdf", pdf_bytes()[:-8], "application/pdf", "incomplete"),
    (
        "pdf-encrypted",
        "form.pdf",
        pdf_bytes(catalog_extra=b"/Encrypt << /Filter /Standard >> "),
        "application/pdf",
        "encrypted",
    ),
    (
        "zip-bomb-docx",
        "essay.docx",
        zip_bomb_docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "zip bomb",
    ),
    (
        "docx-with-macros",
        "essay.docx",
        ooxml_bytes("docx", extra={"word/vbaProject.bin": b"\0" * 64}),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "macros",
    ),
    ("plain-zip", "evidence.zip", zip_bytes(), "application/zip", "not a Word"),
    (
        "decompression-bomb-png-warning-level",
        "big.png",
        png_claiming_size(10_000, 9_000),
        "image/png",
        "too many pixels",
    ),
    (
        "decompression-bomb-png-error-level",
        "huge.png",
        png_claiming_size(20_000, 20_000),
        "image/png",
        "too many pixels",
    ),
    ("empty-file", "empty.pdf", b"", "application/pdf", "empty"),
    ("windows-program-named-pdf", "invoice.pdf", b"MZ\x90\x00" + b"\0" * 200, "application/pdf", "only"),
    ("png-named-exe", "photo.exe", PNG, "application/octet-stream", "name says"),
    ("jpeg-named-pdf", "scan.pdf", jpeg_bytes(), "application/pdf", "name says"),
    ("plain-text", "notes.txt", b"Just some notes about my day at work.\n" * 10, "text/plain", "only"),
    ("truncated-png", "photo.png", PNG[:40], "image/png", "damaged"),
    ("mp4-with-html", "clip.mp4", mp4_with_html(), "video/mp4", "web page"),
]
