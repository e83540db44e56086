"""Hostile and malformed files, made in memory: each is (name, bytes, content type the browser claims)."""

import io
import struct

import pikepdf

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


def gif_of_frames(count: int) -> bytes:
    """An animated GIF of `count` one-pixel frames, written byte by byte: tiny on disk, slow to decode whole."""
    header = b"GIF89a" + struct.pack("<HH", 1, 1) + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
    frame = (
        b"\x21\xf9\x04\x00\x01\x00\x00\x00"  # graphic control: 1/100 s
        + b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00"  # image descriptor
        + b"\x02\x02\x44\x01\x00"  # LZW data of one pixel
    )  # fmt: skip
    return header + frame * count + b"\x3b"


def _pikepdf_bytes(build, **save_options) -> bytes:
    """A one-page PDF made by pikepdf, changed by `build(document)` before saving."""
    document = pikepdf.new()
    document.add_blank_page()
    build(document)
    output = io.BytesIO()
    document.save(output, **save_options)
    return output.getvalue()


def pdf_with_xfa_javascript() -> bytes:
    """An XFA form whose script sits in a compressed stream: no PDF name says JavaScript."""
    xfa = b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><script>app.alert(1)</script></template></xdp:xdp>'

    def build(document):
        document.Root.AcroForm = document.make_indirect(
            pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pikepdf.Stream(document, xfa))
        )

    return _pikepdf_bytes(build, compress_streams=True)


def pdf_with_launch_action() -> bytes:
    def build(document):
        document.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))

    return _pikepdf_bytes(build)


def pdf_with_embedded_file(name: str, content: bytes) -> bytes:
    def build(document):
        document.attachments[name] = pikepdf.AttachedFileSpec(document, content)

    return _pikepdf_bytes(build)


def pdf_with_object_stream_behind_ascii_hex() -> bytes:
    """JavaScript in an object stream encoded with ASCIIHexDecode (which a search of Flate streams never opens),
    listed in a cross-reference stream as a reader expects. pikepdf only writes Flate object streams, so the
    bytes are laid out here and then read back with pikepdf to prove the action is reachable."""
    inner = b"6 0 << /S /JavaScript /JS (app.alert(1)) >>"
    hidden = inner.hex().encode() + b">"
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        7: b"<< /Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(hidden), hidden),
    }
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    offsets[8] = out.tell()
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    for number in range(1, 9):
        if number == 6:
            rows.append(b"\x02" + struct.pack(">I", 7) + b"\x00\x00")
        elif number in offsets:
            rows.append(b"\x01" + struct.pack(">I", offsets[number]) + b"\x00\x00")
        else:
            rows.append(b"\x00\x00\x00\x00\x00\xff\xff")
    table = b"".join(rows)
    out.write(
        b"8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (len(table), table)
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[8])
    content = out.getvalue()
    with pikepdf.open(io.BytesIO(content)) as document:
        assert document.Root.OpenAction.S == pikepdf.Name.JavaScript
    return content


def clean_pikepdf_document() -> bytes:
    return _pikepdf_bytes(lambda document: None, object_stream_mode=pikepdf.ObjectStreamMode.generate)


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
    ("pdf-javascript-in-xfa-form", "form.pdf", pdf_with_xfa_javascript(), "application/pdf", "XFA"),
    (
        "pdf-javascript-behind-ascii-hex-filter",
        "form.pdf",
        pdf_with_object_stream_behind_ascii_hex(),
        "application/pdf",
        "JavaScript",
    ),
    ("pdf-launch-action-made-by-pikepdf", "form.pdf", pdf_with_launch_action(), "application/pdf", "run programs"),
    (
        "pdf-carrying-a-macro-document",
        "form.pdf",
        pdf_with_embedded_file("budget.docm", ooxml_bytes("docx", extra={"word/vbaProject.bin": b"\0" * 64})),
        "application/pdf",
        "other files inside",
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
    (
        "decompression-bomb-png-81-megapixels",
        "panorama.png",
        png_claiming_size(9_000, 9_000),
        "image/png",
        "too many pixels",
    ),
    ("gif-of-very-many-frames", "animation.gif", gif_of_frames(1_001), "image/gif", "at most 1,000 are accepted"),
    ("empty-file", "empty.pdf", b"", "application/pdf", "empty"),
    ("windows-program-named-pdf", "invoice.pdf", b"MZ\x90\x00" + b"\0" * 200, "application/pdf", "only"),
    ("png-named-exe", "photo.exe", PNG, "application/octet-stream", "name says"),
    ("jpeg-named-pdf", "scan.pdf", jpeg_bytes(), "application/pdf", "name says"),
    ("plain-text", "notes.txt", b"Just some notes about my day at work.\n" * 10, "text/plain", "only"),
    ("truncated-png", "photo.png", PNG[:40], "image/png", "damaged"),
    ("mp4-with-html", "clip.mp4", mp4_with_html(), "video/mp4", "web page"),
]
