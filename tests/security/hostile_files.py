"""Hostile and malformed files, made in memory: each is (name, bytes, content type the browser claims)."""

import io
import struct
import zipfile
import zlib

from PIL import Image


def png(width: int = 8, height: int = 8, colour=(200, 30, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(output, format="PNG")
    return output.getvalue()


def jpeg(width: int = 8, height: int = 8) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(output, format="JPEG")
    return output.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (1-bit greyscale): a decompression bomb for Pillow."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\x00")) + _chunk(b"IEND", b"")
    )


def pdf(body: str = "BT /F1 12 Tf 72 720 Td (Evidence) Tj ET", extra_objects: str = "", catalog_extra: str = ""):
    """A small, well-formed PDF with one page of text."""
    stream = body.encode()
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{body}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{obj}\nendobj\n".encode())
    out.write(extra_objects.encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def pdf_with_object_stream_javascript() -> bytes:
    """JavaScript hidden inside a compressed object stream, where a plain byte search cannot see it."""
    hidden = zlib.compress(b"6 0 << /S /JavaScript /JS (app.alert(1)) >>")
    extra = (
        f"7 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {len(hidden)} >>\nstream\n".encode()
        + hidden
        + b"\nendstream\nendobj\n"
    )
    document = pdf(catalog_extra="/OpenAction 6 0 R ")
    marker = document.index(b"xref\n")
    return document[:marker] + extra + document[marker:]


def docx(document_xml: bytes = b"<w:document/>", *, extra: dict | None = None) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return output.getvalue()


def zip_bomb_docx() -> bytes:
    """A .docx whose document part unpacks to 64 MB of zeros from about 64 KB."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        with archive.open("word/document.xml", "w") as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(64):
                member.write(block)
    return output.getvalue()


def plain_zip() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return output.getvalue()


def mp4_with_html() -> bytes:
    """An MP4-looking file (ftyp box) that carries a web page at its end."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\0\0\0\x01" + b"isommp41"
    mdat = b"\0" * 4096
    return ftyp + struct.pack(">I", len(mdat) + 8) + b"mdat" + mdat + b"<html><script>alert(1)</script></html>"


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
    ("png-then-html-after-image", "photo.png", png() + b"<html><body>" + SCRIPT, "image/png", "web page"),
    ("polyglot-png-zip", "photo.png", png() + plain_zip(), "image/png", "hides another file"),
    ("polyglot-png-pdf", "photo.png", png() + pdf(), "image/png", "hides another file"),
    ("polyglot-jpeg-php", "photo.jpg", jpeg() + b"<?php system($_GET['c']); ?>", "image/jpeg", "hides another file"),
    (
        "pdf-with-javascript",
        "form.pdf",
        pdf(catalog_extra="/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
        "application/pdf",
        "JavaScript",
    ),
    (
        "pdf-with-escaped-javascript",
        "form.pdf",
        pdf(catalog_extra="/OpenAction << /S /JavaScript /J#53 (x) >> "),
        "application/pdf",
        "JavaScript",
    ),
    (
        "pdf-with-launch-action",
        "form.pdf",
        pdf(catalog_extra="/OpenAction << /S /Launch /F (calc.exe) >> "),
        "application/pdf",
        "JavaScript",
    ),
    (
        "pdf-javascript-in-object-stream",
        "form.pdf",
        pdf_with_object_stream_javascript(),
        "application/pdf",
        "JavaScript",
    ),
    (
        "pdf-with-html-inside",
        "form.pdf",
        pdf(body="BT ET % <html><script>alert(1)</script>"),
        "application/pdf",
        "web page",
    ),
    ("pdf-truncated", "form.pdf", pdf()[:-8], "application/pdf", "incomplete"),
    (
        "pdf-encrypted",
        "form.pdf",
        pdf(catalog_extra="/Encrypt << /Filter /Standard >> "),
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
        docx(extra={"word/vbaProject.bin": b"\0" * 64}),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "macros",
    ),
    ("plain-zip", "evidence.zip", plain_zip(), "application/zip", "not a Word"),
    ("decompression-bomb-png-warning-level", "big.png", png_claiming(10_000, 9_000), "image/png", "too many pixels"),
    ("decompression-bomb-png-error-level", "huge.png", png_claiming(20_000, 20_000), "image/png", "too many pixels"),
    ("empty-file", "empty.pdf", b"", "application/pdf", "empty"),
    ("windows-program-named-pdf", "invoice.pdf", b"MZ\x90\x00" + b"\0" * 200, "application/pdf", "only"),
    ("png-named-exe", "photo.exe", png(), "application/octet-stream", "name says"),
    ("jpeg-named-pdf", "scan.pdf", jpeg(), "application/pdf", "name says"),
    ("plain-text", "notes.txt", b"Just some notes about my day at work.\n" * 10, "text/plain", "only"),
    ("truncated-png", "photo.png", png()[:40], "image/png", "damaged"),
    ("mp4-with-html", "clip.mp4", mp4_with_html(), "video/mp4", "web page"),
]
