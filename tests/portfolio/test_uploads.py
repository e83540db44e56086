"""Files are typed by content against an allow-list, cleaned, hashed and stored under generated names; anything
refused leaves no row and no file."""

import hashlib
import io

import pytest
from PIL import Image

from portfolio.models import Evidence, EvidenceFile
from portfolio.services import InvalidFile
from portfolio.services.evidence import add_files, create_evidence
from portfolio.uploads import (
    TYPES,
    content_disposition,
    prepare_upload,
    sanitise_filename,
)
from portfolio.uploads.images import _clean_image
from tests import samples
from tests.portfolio.helpers import make_evidence, stored_files, today

pytestmark = pytest.mark.django_db


def _prepare(name, data, content_type="application/octet-stream"):
    prepared = prepare_upload(samples.upload(name, data, content_type))
    try:
        return prepared.content_type, prepared.file_type.extension, prepared.content.read(), prepared
    finally:
        prepared.close()


ACCEPTED = [
    ("photo.jpg", samples.phone_photo_bytes, "image/jpeg", "jpg"),
    ("drawing.png", samples.png_bytes, "image/png", "png"),
    ("picture.webp", samples.webp_bytes, "image/webp", "webp"),
    ("animation.gif", samples.gif_bytes, "image/gif", "gif"),
    ("record.pdf", samples.pdf_bytes, "application/pdf", "pdf"),
    (
        "report.docx",
        lambda: samples.ooxml_bytes("docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "figures.xlsx",
        lambda: samples.ooxml_bytes("xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "slides.pptx",
        lambda: samples.ooxml_bytes("pptx"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ("old.doc", samples.ole_bytes, "application/msword", "doc"),
    ("old.xls", lambda: samples.ole_bytes("Workbook"), "application/vnd.ms-excel", "xls"),
    ("discussion.mp3", samples.mp3_bytes, "audio/mpeg", "mp3"),
    ("discussion.wav", samples.wav_bytes, "audio/wav", "wav"),
    ("memo.m4a", lambda: samples.mp4_bytes(b"M4A "), "audio/mp4", "m4a"),
    ("observation.mp4", samples.mp4_bytes, "video/mp4", "mp4"),
    ("observation.mov", lambda: samples.mp4_bytes(b"qt  "), "video/quicktime", "mov"),
    ("no-extension", samples.pdf_bytes, "application/pdf", "pdf"),
]


@pytest.mark.parametrize(("name", "make", "content_type", "extension"), ACCEPTED)
def test_allowed_types_are_recognised_by_content(name, make, content_type, extension):
    # The browser's claim is ignored: everything is sent as octet-stream.
    detected, stored_extension, _content, _prepared = _prepare(name, make())
    assert detected == content_type
    assert stored_extension == extension


REFUSED = [
    ("drawing.svg", samples.SVG, "image/svg+xml", "web pages, SVG"),
    ("page.html", samples.HTML, "text/html", "web pages, SVG"),
    ("page.pdf", samples.HTML, "application/pdf", "web pages, SVG"),  # HTML named .pdf, sent as a PDF
    ("notes.txt", b"Just some notes\n", "text/plain", "only photos"),
    ("image.png", samples.png_header_then_html(), "image/png", "was not accepted"),
    ("garbage.png", samples.png_header_then_html().split(b"<html")[0] + b"not image data" * 20, "", "damaged"),
    ("gifar.gif", samples.gifar_bytes(), "image/gif", "hides another file"),
    ("polyglot.pdf", samples.pdf_html_polyglot(), "application/pdf", "web page code"),
    ("alert.pdf", samples.pdf_with_javascript(), "application/pdf", "JavaScript"),
    ("alert2.pdf", samples.pdf_with_javascript(b"/JavaScript"), "application/pdf", "JavaScript"),
    ("escaped.pdf", samples.pdf_with_javascript(b"/J#53"), "application/pdf", "JavaScript"),
    ("hidden.pdf", samples.pdf_with_hidden_javascript(), "application/pdf", "JavaScript"),
    ("launch.pdf", samples.pdf_bytes(catalog_extra=b"/OpenAction << /S /Launch /F (calc.exe) >> "), "", "run programs"),
    ("locked.pdf", samples.encrypted_pdf(), "application/pdf", "password-protected"),
    ("owner-locked.pdf", samples.encrypted_pdf(user_password=""), "application/pdf", "password-protected"),
    ("truncated.pdf", samples.pdf_bytes()[:-20], "application/pdf", "incomplete"),
    ("bomb.docx", samples.zip_bomb_docx(), "", "zip bomb"),
    ("macros.docx", samples.ooxml_bytes(extra={"word/vbaProject.bin": b"VBA"}), "", "macros"),
    (
        "macros.docm",
        samples.ooxml_bytes(main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
        "",
        "macros",
    ),
    ("no-types.docx", samples.ooxml_bytes(content_types=False), "", "zip archive"),
    ("wrong-main.xlsx", samples.ooxml_bytes("docx", main_type="application/xml"), "", "zip archive"),
    ("macros.doc", samples.ole_bytes(extra="_VBA_PROJECT"), "", "macros"),
    ("installer.doc", samples.ole_bytes("SummaryInformation"), "", "only photos"),
    ("program.pdf", b"MZ\x90\x00" + b"\0" * 200, "application/pdf", "only photos"),
    ("empty.pdf", b"", "application/pdf", "empty"),
    ("photo.pdf", samples.png_bytes(), "application/pdf", "its name says .pdf but it contains a PNG image"),
    ("report.docx", samples.pdf_bytes(), "", "its name says .docx"),
    ("CON.html", samples.png_bytes(), "", "its name says .html"),
    ("warning-level.png", samples.png_claiming_size(10_000, 9_000), "image/png", "too many pixels"),
    ("error-level.png", samples.png_claiming_size(20_000, 20_000), "image/png", "too many pixels"),
]


@pytest.mark.parametrize(("name", "data", "claimed", "message"), REFUSED)
def test_hostile_and_wrong_files_are_refused_with_a_clear_message(name, data, claimed, message):
    with pytest.raises(InvalidFile) as refused:
        prepare_upload(samples.upload(name, data, claimed or "application/octet-stream"))
    assert message in str(refused.value)
    assert sanitise_filename(name) in str(refused.value)


def test_plain_zip_archive_is_refused():
    with pytest.raises(InvalidFile, match="zip archive"):
        prepare_upload(samples.upload("archive.zip", samples.zip_bytes()))


def test_zip_with_too_many_parts_is_refused(monkeypatch):
    monkeypatch.setattr("portfolio.uploads.office.OOXML_MAX_MEMBERS", 5)
    data = samples.ooxml_bytes(extra={f"word/part{i}.xml": b"<x/>" for i in range(5)})
    with pytest.raises(InvalidFile, match="too many parts"):
        prepare_upload(samples.upload("many.docx", data))


def test_zip_declaring_more_than_the_total_limit_is_refused(monkeypatch):
    monkeypatch.setattr("portfolio.uploads.office.OOXML_MAX_UNCOMPRESSED", 1000)
    data = samples.ooxml_bytes(extra={"word/big.xml": b"<x>" + b"a" * 2000 + b"</x>"})
    with pytest.raises(InvalidFile, match="more than 1 GB"):
        prepare_upload(samples.upload("big.docx", data))


def _heic_photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "Apple"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0), 1: "N"}  # GPSInfo
    output = io.BytesIO()
    image.save(output, format="HEIF", exif=exif.tobytes())
    return output.getvalue()


def test_iphone_heic_photo_is_re_encoded_as_jpeg_without_exif():
    content_type, extension, data, _ = _prepare("IMG_0001.HEIC", _heic_photo_with_gps(), "image/heic")
    assert (content_type, extension) == ("image/jpeg", "jpg")
    with Image.open(io.BytesIO(data)) as cleaned:
        assert cleaned.format == "JPEG"
        assert dict(cleaned.getexif()) == {}


def test_damaged_heic_is_refused_with_advice():
    heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 200
    with pytest.raises(InvalidFile, match="this HEIC photo could not be read"):
        prepare_upload(samples.upload("IMG_0001.HEIC", heic))


@pytest.mark.parametrize("level", ["warning", "error"])
def test_real_decompression_bombs_are_refused_at_both_pillow_levels(monkeypatch, level):
    # Pillow's levels made small, so the test image is small: warning above MAX_IMAGE_PIXELS, error above twice it.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    size = (120, 100) if level == "warning" else (250, 100)
    with pytest.raises(InvalidFile, match="too many pixels"):
        prepare_upload(samples.upload("bomb.png", samples.png_bytes(size)))
    # Just under the warning level is fine.
    prepare_upload(samples.upload("fine.png", samples.png_bytes((100, 100)))).close()


def test_phone_photo_loses_exif_and_gps_is_turned_upright_and_gets_a_thumbnail():
    prepared = prepare_upload(samples.upload("IMG_2041.jpg", samples.phone_photo_bytes((120, 80)), "image/jpeg"))
    try:
        data = prepared.content.read()
        with Image.open(io.BytesIO(data)) as image:
            assert image.getexif() == {}
            assert "exif" not in image.info
            assert image.size == (80, 120)  # orientation 6 applied, then dropped
        assert b"PhoneMaker" not in data
        assert prepared.sha256 == hashlib.sha256(data).hexdigest()
        assert prepared.size == len(data)
        with Image.open(io.BytesIO(prepared.thumbnail)) as thumbnail:
            assert thumbnail.format == "JPEG"
            assert max(thumbnail.size) <= 400
    finally:
        prepared.close()


def test_png_header_followed_by_html_fails_pillows_full_decode(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(samples.png_header_then_html())
    with pytest.raises(InvalidFile, match="damaged or is not really an image"):
        _clean_image("image.png", str(path), TYPES["png"])


def test_gif_is_re_encoded_without_its_comment():
    _type, _extension, data, _prepared = _prepare("animation.gif", samples.gif_bytes(3))
    assert b"secret comment" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.n_frames == 3


def test_file_one_byte_over_the_limit_is_refused(settings):
    data = samples.pdf_bytes()
    settings.EVIDENCE_MAX_FILE_BYTES = len(data)
    prepare_upload(samples.upload("exactly.pdf", data)).close()
    settings.EVIDENCE_MAX_FILE_BYTES = len(data) - 1
    with pytest.raises(InvalidFile, match="larger than the limit"):
        prepare_upload(samples.upload("over.pdf", data))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("invoice\u202egpj.exe", "invoice gpj.exe"),
        ("CON", "_CON"),
        ("NUL.txt", "_NUL.txt"),
        ("com1.tar.gz", "_com1.tar.gz"),
        ('my "best" work\r\n.pdf', "my _best_ work.pdf"),
        ("", "file"),
        ("...", "file"),
        ("  report.pdf  ", "report.pdf"),
    ],
)
def test_file_names_are_made_safe_for_display(given, expected):
    assert sanitise_filename(given) == expected


def test_long_unicode_names_are_shortened_keeping_the_extension():
    name = "é" * 150 + "ü" * 150 + ".pdf"  # 600 bytes in UTF-8
    safe = sanitise_filename(name)
    assert safe.endswith(".pdf")
    assert len(safe) <= 150


@pytest.mark.parametrize(
    "name", ['quote"s.pdf', "new\nline.pdf", "naïve résumé.pdf", "\u202eevil.pdf", "日本語の報告書.pdf", "a" * 400]
)
def test_content_disposition_is_safe_with_ascii_fallback_and_rfc5987_name(name):
    header = content_disposition(name)
    assert "\n" not in header and "\r" not in header
    assert header.startswith('attachment; filename="')
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and '"' not in fallback and "\\" not in fallback
    assert "filename*=UTF-8''" in header
    assert "\u202e" not in header


def test_accepted_file_is_stored_under_a_generated_name_with_its_hash(world, media_root):
    evidence = make_evidence(world.registration, files=[samples.upload("../My Report.pdf", samples.pdf_bytes())])
    record = evidence.files.get()
    assert record.original_name == "My Report.pdf"
    assert record.content_type == "application/pdf"
    stored_name = record.file.name.rsplit("/", 1)[1]
    assert stored_name.endswith(".pdf") and "Report" not in stored_name
    assert record.file.name.startswith(f"evidence/{world.centre.pk}/{world.registration.pk}/")
    assert hashlib.sha256((media_root / record.file.name).read_bytes()).hexdigest() == record.sha256
    assert stored_files(media_root) == [record.file.name]


def test_refused_file_among_good_ones_stores_nothing(world, media_root):
    with pytest.raises(InvalidFile, match="web pages"):
        create_evidence(
            actor=world.learner,
            registration=world.registration,
            title="Mixed",
            date=today(),
            methods=["PE"],
            files=[
                samples.upload("photo.jpg", samples.phone_photo_bytes()),
                samples.upload("page.html", samples.HTML),
            ],
        )
    assert not Evidence.objects.filter(registration=world.registration).exists()
    assert stored_files(media_root) == []
    world.registration.refresh_from_db()
    assert world.registration.next_evidence_reference == 1


def test_failure_after_files_are_written_removes_them(world, media_root, monkeypatch):
    def broken_event(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("portfolio.services.evidence._common.record_event", broken_event)
    with pytest.raises(RuntimeError):
        create_evidence(
            actor=world.learner,
            registration=world.registration,
            title="Photo",
            date=today(),
            methods=["PE"],
            files=[samples.upload("photo.jpg", samples.phone_photo_bytes())],
        )
    assert not EvidenceFile.objects.exists()
    assert stored_files(media_root) == []


def test_adding_a_refused_file_to_a_draft_keeps_the_draft_as_it_was(world, media_root):
    evidence = make_evidence(world.registration, submit=False)
    before = stored_files(media_root)
    with pytest.raises(InvalidFile):
        add_files(
            actor=world.learner,
            evidence=evidence,
            files=[samples.upload("ok.png", samples.png_bytes()), samples.upload("empty.jpg", b"")],
        )
    assert evidence.files.count() == 1
    assert stored_files(media_root) == before


def test_upload_handler_stops_writing_a_file_at_the_limit(settings, rf):
    from django.core.files.uploadhandler import SkipFile

    from portfolio.uploads import EvidenceUploadHandler

    settings.EVIDENCE_MAX_FILE_BYTES = 100_000
    request = rf.post("/")
    handler = EvidenceUploadHandler(request)
    handler.new_file("files", "video.mp4", "video/mp4", None)
    chunk = b"\0" * 65_536
    handler.receive_data_chunk(chunk, 0)
    written = handler.file.tell()
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(chunk, 65_536)
    assert handler.file.tell() == written <= settings.EVIDENCE_MAX_FILE_BYTES
    assert request.refused_uploads == ["“video.mp4” is larger than the limit of 97.7\xa0KB a file."]
