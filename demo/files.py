"""The demo's photos and PDFs, made in code."""

import io
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


def demo_photo(label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 480), (233, 240, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 440), outline=(13, 110, 253), width=6)
    draw.text((70, 220), label, fill=(33, 37, 41))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return SimpleUploadedFile("IMG_0001.jpg", output.getvalue(), content_type="image/jpeg")


def pdf_document(
    stream: bytes,
    *,
    media_box: tuple[int, int] = (595, 842),
    catalog_extra: bytes = b"",
    extra_objects: Sequence[bytes] = (),
) -> bytes:
    """A one-page PDF showing one content stream, written by hand: enough for a reader to open, no libraries
    needed. The demo's PDFs and the tests' sample PDFs (tests/samples.py) are both made here."""
    width, height = media_box
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Contents 4 0 R ".encode()
        + b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra_objects,
    ]
    output = io.BytesIO()
    output.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # the second line marks the file as binary
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = output.tell()
    output.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        output.write(f"{offset:010d} 00000 n \n".encode())
    output.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return output.getvalue()


def demo_pdf(title: str, lines: list[str]) -> SimpleUploadedFile:
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj T*" for line in [title, "", *lines])
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {text} ET".encode("latin-1", "replace")
    name = title.lower().replace(" ", "-")[:40] + ".pdf"
    return SimpleUploadedFile(name, pdf_document(stream), content_type="application/pdf")
