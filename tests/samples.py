"""Small real files made in code, good and hostile, for every test that uploads, serves or inspects a file: the one
place tests take sample files from (tests/security/hostile_files.py lists hostile cases built from these)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from demo.files import pdf_document

GPS_TAG = 0x8825


def png_bytes(size=(64, 48), colour=(200, 30, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format="PNG")
    return output.getvalue()


def jpeg_bytes(size=(8, 8)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(output, format="JPEG")
    return output.getvalue()


def phone_photo_bytes(size=(120, 80)) -> bytes:
    """A JPEG as a phone makes it: EXIF with camera make, GPS position and an orientation."""
    image = Image.new("RGB", size, (20, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[GPS_TAG] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def webp_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 200, 0)).save(output, format="WEBP")
    return output.getvalue()


def gif_bytes(frames: int = 2) -> bytes:
    images = [Image.new("RGB", (20, 20), (i * 80, 40, 200 - i * 60)) for i in range(frames)]
    output = io.BytesIO()
    images[0].save(output, format="GIF", save_all=True, append_images=images[1:], comment=b"secret comment")
    return output.getvalue()


def pdf_bytes(
    text: str = "Observation record",
    extra_objects: list[bytes] | None = None,
    catalog_extra: bytes = b"",
    *,
    content: bytes | None = None,
) -> bytes:
    """A tiny valid PDF with one page of text (or of the raw page `content` given)."""
    stream = content if content is not None else f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return pdf_document(stream, media_box=(612, 792), catalog_extra=catalog_extra, extra_objects=extra_objects or ())


def pdf_with_javascript(spelling: bytes = b"/JS") -> bytes:
    return pdf_bytes(
        catalog_extra=b"/OpenAction 6 0 R ",
        extra_objects=[b"<< /Type /Action /S /JavaScript " + spelling + b" (app.alert('hi')) >>"],
    )


def pdf_with_hidden_javascript() -> bytes:
    """JavaScript inside a compressed object stream (written by pikepdf), where a plain byte search cannot see it."""
    document = pikepdf.new()
    document.add_blank_page()
    document.Root.OpenAction = document.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )
    output = io.BytesIO()
    document.save(output, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"/JavaScript" not in output.getvalue()
    return output.getvalue()


def multi_page_pdf(pages: int = 3) -> bytes:
    """A real A4 PDF of `pages` pages, drawn by WeasyPrint (as the tracking sheets are), each headed "Page N"."""
    from weasyprint import HTML

    body = "".join(
        f'<h1 style="font-size: 60pt; {"break-before: page" if n > 1 else ""}">Page {n}</h1><p>Observation notes.</p>'
        for n in range(1, pages + 1)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def encrypted_pdf(user_password: str = "secret") -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    output = io.BytesIO()
    document.save(output, encryption=pikepdf.Encryption(owner="owner-secret", user=user_password))
    return output.getvalue()


_CONTENT_TYPES = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def ooxml_bytes(
    kind: str = "docx",
    *,
    extra: dict[str, bytes] | None = None,
    main_type: str | None = None,
    content_types: bool = True,
) -> bytes:
    part, mime = _CONTENT_TYPES[kind]
    mime = main_type or mime
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        if content_types:
            archive.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/{part}" ContentType="{mime}"/></Types>',
            )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<document>Hello</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return output.getvalue()


def zip_bytes(files: dict[str, bytes | str] | None = None) -> bytes:
    """A plain zip archive (not an Office document)."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, data in (files or {"notes.txt": "hello"}).items():
            archive.writestr(name, data)
    return output.getvalue()


def zip_bomb_docx() -> bytes:
    """A docx whose one part unpacks 20 MB of zeros from a few kilobytes."""
    return ooxml_bytes("docx", extra={"word/media/bomb.bin": b"\0" * (20 * 1024 * 1024)})


def ole_bytes(stream_name: str = "WordDocument", extra: str = "") -> bytes:
    """Enough of an OLE2 compound file for content checks: the header and directory entry names."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    names = b"".join(name.encode("utf-16-le") + b"\0\0" for name in ["Root Entry", stream_name, *filter(None, [extra])])
    return header + names.ljust(1024, b"\0")


def wav_bytes() -> bytes:
    data = b"\0\0" * 800
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def mp4_bytes(brand: bytes = b"isom") -> bytes:
    ftyp = b"ftyp" + brand + b"\0\0\x02\0" + brand + b"mp41"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", 8) + b"mdat"


def mp4_with_html() -> bytes:
    """An MP4-looking file (ftyp box) that carries a web page at its end."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\0\0\0\x01" + b"isommp41"
    mdat = b"\0" * 4096
    return ftyp + struct.pack(">I", len(mdat) + 8) + b"mdat" + mdat + b"<html><script>alert(1)</script></html>"


def mp3_bytes() -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\0" * 10 + b"\xff\xfb\x90\x00" + b"\0" * 400


def png_header_then_html() -> bytes:
    """A valid PNG signature and header chunk, then a web page instead of image data."""
    ihdr = struct.pack(">IIBBBBB", 10, 10, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"<html><script>alert(document.cookie)</script></html>"


def png_claiming_size(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size: Pillow's bomb check reads the header before any pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    data = zlib.compress(b"\0" * 100)
    idat = struct.pack(">I", len(data)) + b"IDAT" + data + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + chunk + idat + end


def gifar_bytes() -> bytes:
    """A polyglot: a real GIF with a zip archive (a Java applet, say) glued to its end."""
    return gif_bytes(1) + zip_bytes({"evil.class": b"\xca\xfe\xba\xbe"})


def pdf_html_polyglot() -> bytes:
    return pdf_bytes().replace(b"%\xe2\xe3\xcf\xd3\n", b"%\xe2\xe3\xcf\xd3\n<html><script>alert(1)</script></html>\n")


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
