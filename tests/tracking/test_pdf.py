import io
import os
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from portfolio.models import CountersignStatus, CriterionDecision
from tests.factories import client_for, make_registration
from tracking import pdf as tracking_pdf
from tracking.pdf import PDF_BASE_URL, ResourceRefused, StaticOnlyFetcher, static_file_for
from tracking.services.signoff import sign_unit
from tracking.sheets import build_sheet

from .helpers import add_evidence, complete_unit, first_unit, mark_met

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z0-9./]+", text))


def test_unit_sheet_pdf_prints_every_criterion_method_reference_date_and_signature(world, completed):
    registration = world.registration
    sign_unit(registration=registration, unit=completed, user=world.learner, role="learner")
    sign_unit(registration=registration, unit=completed, user=world.assessor, role="assessor")
    response = client_for(world.learner).get(reverse("tracking:sheet-pdf", args=[registration.pk, completed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    text = pdf_text(data)
    words = _words(text)
    sheet = build_sheet(registration, completed)
    for row in sheet.rows:
        assert row.criterion.code in words, row.criterion.code
        for code in row.status.methods:
            assert code in words
        for reference in row.status.references:
            assert str(reference) in words
        assert row.status.met_on.strftime("%d/%m/%Y") in words
    for heading in (
        "Evidence Tracking Sheet",
        "Learner Name",
        "Centre Name",
        "Assessment method key:",
        "IQA Signature (if sampled)",
        "EQS Signature (if sampled)",
        "Lena Learner",
        "Northgate Training",
    ):
        assert heading in text, heading
    assessor_name = world.assessor.full_name
    assert assessor_name in text and "Assessor (signed electronically)" in text
    signed_on = sheet.state.live["learner"].signed_at.astimezone().strftime("%d/%m/%Y")
    assert signed_on in words
    assert "Content matches" in text
    # Footer: learner and unit, and page numbers, on every page.
    pages = pdf_pages(data)
    assert pages >= 2
    assert text.count("Page 1 of") == 1 and f"Page {pages} of {pages}" in text
    assert text.count("Lena Learner — Unit 1: Delivery of effective customer service") == pages
    # The table header repeats on each page.
    assert text.count("Learning Outcome") == pages


def test_pdf_escapes_learner_text_and_fetches_nothing_but_static_files(world, unit, monkeypatch):
    registration = world.registration
    criterion = unit.criteria.order_by("order").first()
    hostile = '<img src="file:///etc/passwd"><link rel="attachment" href="http://example.com/x"> & co'
    add_evidence(registration, [criterion], title=hostile)
    mark_met(registration, criterion)
    fetched = []
    original = StaticOnlyFetcher.fetch

    def recording_fetch(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording_fetch)
    from tracking.exports import build_registration_pack, registration_pack_html

    sheet_html = tracking_pdf.unit_sheet_html(build_sheet(registration, unit))
    pack_html = registration_pack_html(build_registration_pack(registration))
    for html in (sheet_html, pack_html):
        assert "<img" not in html and 'rel="attachment"' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in pack_html
    data = tracking_pdf.render_pdf(pack_html)
    tracking_pdf.render_pdf(sheet_html)
    assert all(url.startswith(PDF_BASE_URL + "static/") for url in fetched)
    assert fetched == []  # the print stylesheet is applied in-process: the documents fetch nothing at all
    assert '<img src="file:///etc/passwd">' in pdf_text(data).replace("\n", "")  # printed as text, never fetched


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://example.com/static/tracking/print.css",
        "https://pdf.portfolio.invalid/etc/passwd",
        "https://pdf.portfolio.invalid/static/../../../etc/passwd",
        "https://pdf.portfolio.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://pdf.portfolio.invalid:8443/static/tracking/print.css",
        "https://user@pdf.portfolio.invalid/static/tracking/print.css",
        "http://pdf.portfolio.invalid/static/tracking/print.css",
        "data:text/plain,hello",
        "ftp://pdf.portfolio.invalid/static/tracking/print.css",
    ],
)
def test_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(ResourceRefused):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_our_static_files():
    response = StaticOnlyFetcher().fetch(PDF_BASE_URL + "static/tracking/print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    assert static_file_for(PDF_BASE_URL + "static/tracking/print.css").name == "print.css"


def test_unit_pdf_is_cached_by_content_and_any_change_makes_a_new_one(
    world, completed, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    renders = []
    real_render = tracking_pdf.render_pdf
    monkeypatch.setattr(tracking_pdf, "render_pdf", lambda html, **kw: renders.append(1) or real_render(html, **kw))
    client = client_for(world.learner)
    url = reverse("tracking:sheet-pdf", args=[world.registration.pk, completed.pk])
    first = b"".join(client.get(url).streaming_content)
    second = b"".join(client_for(world.assessor).get(url).streaming_content)
    assert first == second and len(renders) == 1
    assert len(list((tmp_path / "pdf-cache").iterdir())) == 1
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    third = b"".join(client.get(url).streaming_content)
    assert len(renders) == 2 and third != first
    assert "Lena Learner, Learner" in pdf_text(third)
    assert len(list((tmp_path / "pdf-cache").iterdir())) == 2


def test_countersigned_trainee_sign_off_prints_the_countersignature(world):
    registration = world.trainee_registration
    unit = first_unit(registration)
    complete_unit(registration, unit, by=world.trainee)
    CriterionDecision.objects.filter(registration=registration).update(
        countersign_status=CountersignStatus.CONFIRMED, countersigned_by=world.assessor
    )
    sign_unit(registration=registration, unit=unit, user=registration.learner, role="learner")
    sign_unit(registration=registration, unit=unit, user=world.trainee, role="assessor")
    sign_unit(registration=registration, unit=unit, user=world.assessor, role="countersigner")
    text = pdf_text(tracking_pdf.unit_sheet_pdf(build_sheet(registration, unit)))
    assert "Countersignature" in text
    assert f"{world.assessor.full_name}, Countersignatory" in text
    assert f"{world.trainee.full_name}, Assessor" in text


def test_pathway_rows_print_as_not_required(world):
    registration = make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification="603/4687/5", pathway="non-facing"
    )
    from qualifications.models import Unit

    unit = Unit.objects.get(reference="M/617/6443")
    text = pdf_text(tracking_pdf.unit_sheet_pdf(build_sheet(registration, unit)))
    assert text.count("Not required") == 3


def test_print_stylesheet_is_parsed_once_per_thread_and_again_when_it_changes(world, completed, monkeypatch):
    import threading

    first = tracking_pdf.print_stylesheet()
    tracking_pdf.render_pdf(tracking_pdf.unit_sheet_html(build_sheet(world.registration, completed)))
    assert tracking_pdf.print_stylesheet() == first  # the same CSS and FontConfiguration objects
    assert tracking_pdf.print_stylesheet()[0] is first[0]

    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(tracking_pdf.print_stylesheet()))
    thread.start()
    thread.join()
    assert elsewhere[0][1] is not first[1]  # fonts are never shared between threads

    path = tracking_pdf._static_path(tracking_pdf.PRINT_STYLESHEET)
    real_stat = type(path).stat

    def touched(self, *args, **kwargs):
        result = real_stat(self, *args, **kwargs)
        if self == path:
            return os.stat_result(result[:8] + (result.st_mtime + 1, result.st_ctime))
        return result

    monkeypatch.setattr(type(path), "stat", touched)
    assert tracking_pdf.print_stylesheet()[0] is not first[0]


def test_whole_registration_pdf_repeats_headers_and_footers_and_prints_every_sheet(world, completed):
    from tracking.exports import build_registration_pack, registration_pack_html

    registration = world.registration
    sign_unit(registration=registration, unit=completed, user=world.learner, role="learner")
    pack = build_registration_pack(registration)
    data = tracking_pdf.render_pdf(registration_pack_html(pack))
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pack.sheets) == 2 and len(pages) > 1 + len(pack.sheets)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Lena Learner — " in text  # the learner (and the unit or part) in every footer
    sheet_pages = [text for text in pages if "Evidence Tracking Sheet" in text or "Learning Outcome" in text]
    grid_pages = [text for text in sheet_pages if any(row.criterion.code + " " in text for row in pack.sheets[0].rows)]
    assert all("Learning Outcome" in text for text in grid_pages)  # the grid's header on each of its pages
    text = " ".join(" ".join(page.split()) for page in pages)
    assert "The chosen units can achieve the qualification." in text
    for sheet in pack.sheets:
        assert sheet.unit_heading in text
        for row in sheet.rows:
            assert f"{row.criterion.code} {' '.join(row.criterion.text.split()[:2])}" in text
    assert "Lena Learner, Learner (signed electronically" in text
    assert "Index of evidence" in text and "Unit 1: 1.1, 1.2" in text


def test_simulated_evidence_is_marked_on_the_printed_sheet_with_its_reason(world, unit):
    criteria = list(unit.criteria.order_by("order")[:2])
    real = add_evidence(world.registration, criteria[:1], methods=("RA",))
    simulated = add_evidence(world.registration, criteria[1:], methods=("Sim",))
    simulated.simulation_reason = "Role play: no complaints at the store this month"
    simulated.save(update_fields=["simulation_reason"])
    printed = tracking_pdf.printed_sheet(build_sheet(world.registration, unit))
    references = {row.criterion.split(" ")[0]: row.references for row in printed.rows}
    assert references[criteria[0].code] == str(real.reference)
    assert references[criteria[1].code] == f"{simulated.reference}*"
    text = " ".join(pdf_text(tracking_pdf.unit_sheet_pdf(build_sheet(world.registration, unit))).split())
    assert f"* Simulated evidence: {simulated.reference} (Role play: no complaints at the store this month)" in text
