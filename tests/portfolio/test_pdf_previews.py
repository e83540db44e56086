"""A PDF's first pages shown in the evidence page as images drawn on the server (portfolio.previews): drawn from the
verified bytes after upload, bounded, stored once, sent under the download's rules; a PDF that cannot be drawn,
or whose bytes changed, gets no preview and the page offers the download."""

import hashlib
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from centres.models import Event
from portfolio.integrity import verify_all_evidence
from portfolio.models import EvidenceFile
from portfolio.previews import (
    MAX_PAGES,
    MAX_PIXELS,
    MAX_SCALE,
    TARGET_WIDTH,
    Undrawable,
    make_missing_previews,
    make_preview,
    page_scale,
)
from tests import samples
from tests.factories import client_for
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

pytestmark = pytest.mark.django_db

Preview = EvidenceFile.Preview


@pytest.fixture
def upload_pdf(world, django_capture_on_commit_callbacks):
    """Evidence with one PDF, uploaded through the service. With `draw`, the upload's commit hands the preview to the
    worker, which the test settings run at once; without, the preview is still to be drawn (as before the worker
    picks it up)."""

    def upload(data: bytes, name: str = "Observation notes.pdf", *, draw: bool = True):
        files = [samples.upload(name, data, "application/pdf")]
        with django_capture_on_commit_callbacks(execute=draw):
            evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), files=files)
        return evidence, evidence.files.get()

    return upload


def _page_url(pdf, number: int) -> str:
    return reverse("portfolio:file-page", args=[pdf.pk, number])


def _evidence_page(user, evidence) -> str:
    return client_for(user).get(reverse("portfolio:evidence-detail", args=[evidence.pk])).content.decode()


def _replace_stored_bytes(media_root, pdf, data: bytes, *, keep_hash_matching: bool) -> None:
    """Put other bytes in storage: as an attacker would (the hash no longer matches), or as a file accepted before
    today's upload checks would be (its hash taken from these bytes)."""
    (media_root / pdf.file.name).write_bytes(data)
    if keep_hash_matching:
        EvidenceFile.objects.filter(pk=pdf.pk).update(sha256=hashlib.sha256(data).hexdigest(), size=len(data))


# --- drawing ------------------------------------------------------------------------------------------------


def test_a_multi_page_pdf_is_drawn_page_by_page_once_the_upload_commits(world, media_root, upload_pdf):
    _evidence, pdf = upload_pdf(samples.multi_page_pdf(3))
    pdf.refresh_from_db()
    assert pdf.preview == Preview.READY and pdf.page_count == 3
    assert len(pdf.preview_pages) == 3
    for stored in pdf.preview_pages:
        data = (media_root / stored["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == stored["sha256"]
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            # A4 drawn TARGET_WIDTH pixels wide keeps its shape (210 x 297 mm).
            assert image.size == (TARGET_WIDTH, 1415) == (stored["width"], stored["height"])
            assert image.convert("L").getextrema()[0] < 100, "the page's heading is drawn, not a blank page"


def test_only_the_first_pages_are_drawn_and_the_page_says_how_many_there_are(world, upload_pdf):
    evidence, pdf = upload_pdf(samples.multi_page_pdf(12))
    pdf.refresh_from_db()
    assert pdf.page_count == 12 and len(pdf.preview_pages) == MAX_PAGES == 10
    page = _evidence_page(world.learner, evidence)
    assert page.count(f'src="{reverse("portfolio:file-page", args=[pdf.pk, 1])[:-5]}') == 10
    assert 'alt="Page 1 of 12: Observation notes.pdf"' in page
    assert 'loading="lazy"' in page and 'width="1000" height="1415"' in page
    assert "Only the first 10 of 12 pages are shown here. Download the file to read them all." in page
    assert reverse("portfolio:file-download", args=[pdf.pk]) + "?download=1" in page
    assert "<iframe" not in page


def test_a_short_pdf_shows_every_page_with_no_note(world, upload_pdf):
    evidence, pdf = upload_pdf(samples.multi_page_pdf(2))
    page = _evidence_page(world.assessor, evidence)
    assert f'src="{_page_url(pdf, 2)}"' in page and "Page 2 of 2" in page
    assert "Only the first" not in page


@pytest.mark.parametrize(
    ("width", "height"),
    [(612, 792), (595.28, 841.89), (842, 595), (612, 100_000), (14_400, 14_400), (10, 10), (3, 4000)],
)
def test_every_page_is_drawn_about_a_thousand_pixels_wide_within_the_pixel_cap(width, height):
    scale = page_scale(width, height)
    assert round(width * scale) * round(height * scale) <= MAX_PIXELS * 1.01
    assert round(width * scale) <= TARGET_WIDTH and scale <= MAX_SCALE
    if width * height <= 612 * 1100 and width >= TARGET_WIDTH / MAX_SCALE:
        assert round(width * scale) == TARGET_WIDTH


@pytest.mark.parametrize(("width", "height"), [(0, 792), (612, 0), (-5, 10), (float("nan"), 10), (100_000, 0.001)])
def test_a_page_of_no_size_is_not_drawn(width, height):
    with pytest.raises(Undrawable):
        page_scale(width, height)


def test_a_preview_is_drawn_once(world, media_root, upload_pdf):
    _evidence, pdf = upload_pdf(samples.multi_page_pdf(2))
    stored = sorted(path.name for path in media_root.rglob("*.png"))
    assert make_preview(pdf.pk) == Preview.READY
    assert make_missing_previews() == 0
    assert sorted(path.name for path in media_root.rglob("*.png")) == stored


def test_the_periodic_sweep_draws_previews_still_missing_and_skips_failing_files(world, media_root, upload_pdf):
    _first, waiting = upload_pdf(samples.multi_page_pdf(2), draw=False)
    _second, changed = upload_pdf(samples.pdf_bytes(), "Changed.pdf", draw=False)
    assert waiting.preview == Preview.NOT_MADE
    _replace_stored_bytes(media_root, changed, samples.pdf_bytes("Changed afterwards"), keep_hash_matching=False)
    verify_all_evidence()
    assert make_missing_previews() == 1
    waiting.refresh_from_db()
    changed.refresh_from_db()
    assert waiting.preview == Preview.READY and waiting.page_count == 2
    assert changed.preview == Preview.NOT_MADE


def test_a_pending_preview_says_it_is_being_prepared(world, upload_pdf):
    evidence, _pdf = upload_pdf(samples.pdf_bytes(), draw=False)
    page = _evidence_page(world.learner, evidence)
    assert "The preview is being prepared. Reload the page in a moment, or download the file." in page


# --- files that cannot be drawn, and changed bytes --------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(samples.encrypted_pdf(), id="encrypted"),
        pytest.param(samples.pdf_bytes()[:200] + b"\n%%EOF\n", id="damaged"),
        pytest.param(samples.png_bytes(), id="not-a-pdf"),
    ],
)
def test_a_pdf_that_cannot_be_drawn_gets_no_preview_and_the_page_offers_the_download(
    world, media_root, data, upload_pdf
):
    """Such files are refused at upload today; one accepted before (or by another route) must not break the page."""
    evidence, pdf = upload_pdf(samples.pdf_bytes(), draw=False)
    _replace_stored_bytes(media_root, pdf, data, keep_hash_matching=True)
    assert make_preview(pdf.pk) == Preview.UNAVAILABLE
    pdf.refresh_from_db()
    assert pdf.preview == Preview.UNAVAILABLE and pdf.preview_pages == [] and not list(media_root.rglob("*.png"))
    page = _evidence_page(world.learner, evidence)
    assert "A preview of this PDF is not available. Download the file to read it." in page
    assert reverse("portfolio:file-download", args=[pdf.pk]) + "?download=1" in page
    assert client_for(world.learner).get(_page_url(pdf, 1)).status_code == 404


def test_changed_bytes_are_never_drawn_and_are_reported(world, media_root, upload_pdf):
    _evidence, pdf = upload_pdf(samples.pdf_bytes(), draw=False)
    _replace_stored_bytes(media_root, pdf, samples.multi_page_pdf(2), keep_hash_matching=False)
    assert make_preview(pdf.pk) == Preview.NOT_MADE
    pdf.refresh_from_db()
    assert pdf.integrity == EvidenceFile.Integrity.TAMPERED and pdf.preview_pages == []
    assert not list(media_root.rglob("*.png"))
    assert Event.objects.get(action="evidence_file.integrity_failed").data["found_by"] == "drawing its preview"


def test_page_images_of_a_file_that_failed_its_check_are_refused(world, media_root, upload_pdf):
    evidence, pdf = upload_pdf(samples.multi_page_pdf(2))
    _replace_stored_bytes(media_root, pdf, samples.pdf_bytes("Changed afterwards"), keep_hash_matching=False)
    verify_all_evidence()
    response = client_for(world.learner).get(_page_url(pdf, 1))
    assert response.status_code == 500 and b"failed its integrity check" in response.content
    assert "A preview of this PDF is not available." in _evidence_page(world.learner, evidence)


def test_a_page_image_changed_in_storage_is_refused_and_recorded(world, media_root, upload_pdf):
    _evidence, pdf = upload_pdf(samples.multi_page_pdf(2))
    pdf.refresh_from_db()
    (media_root / pdf.preview_pages[1]["name"]).write_bytes(samples.png_bytes())
    assert client_for(world.learner).get(_page_url(pdf, 1)).status_code == 200
    response = client_for(world.learner).get(_page_url(pdf, 2))
    assert response.status_code == 500 and not response.content.startswith(b"\x89PNG")
    event = Event.objects.get(action="evidence_file.preview_integrity_failed")
    assert event.registration_id == world.registration.pk and event.data["stored_name"] == pdf.preview_pages[1]["name"]


# --- sending the images -------------------------------------------------------------------------------------


def test_a_page_image_is_sent_as_a_png_under_the_downloads_protections(world, media_root, upload_pdf):
    _evidence, pdf = upload_pdf(samples.multi_page_pdf(2))
    pdf.refresh_from_db()
    response = client_for(world.assessor).get(_page_url(pdf, 2))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content == (media_root / pdf.preview_pages[1]["name"]).read_bytes()
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert response["Cache-Control"] == "private, no-store"
    assert client_for(world.assessor).get(_page_url(pdf, 3)).status_code == 404
    assert client_for(world.assessor).get(_page_url(pdf, 0)).status_code == 404


def test_a_pdf_itself_always_downloads(world, upload_pdf):
    _evidence, pdf = upload_pdf(samples.pdf_bytes(), draw=False)
    for query in ("", "?preview=1"):
        response = client_for(world.learner).get(reverse("portfolio:file-download", args=[pdf.pk]) + query)
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Frame-Options"] == "DENY" and "frame-ancestors" not in response["Content-Security-Policy"]


def test_page_images_follow_the_downloads_access_rules(world, client, upload_pdf):
    _evidence, pdf = upload_pdf(samples.pdf_bytes())
    url = _page_url(pdf, 1)
    assert client_for(world.learner).get(url).status_code == 200
    assert client_for(world.other_admin).get(url).status_code == 404
    assert client_for(world.other_learner).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_the_evidence_page_asks_the_same_number_of_queries_whatever_the_number_of_previews(
    world, django_capture_on_commit_callbacks
):
    def count(pages: int, pdfs: int) -> int:
        files = [samples.upload(f"Doc {n}.pdf", samples.multi_page_pdf(pages), "application/pdf") for n in range(pdfs)]
        with django_capture_on_commit_callbacks(execute=True):
            evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), files=files)
        assert {file.preview for file in evidence.files.all()} == {Preview.READY}
        client = client_for(world.learner)
        url = reverse("portfolio:evidence-detail", args=[evidence.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(pages=1, pdfs=1) == count(pages=3, pdfs=3)
