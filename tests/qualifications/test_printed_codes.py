"""Printed codes are identifiers: a gap in the printed numbering is kept; only colliding codes are renumbered
(T/617/5410 prints learning outcome 1's criteria as 2.1-2.4), and there "printed as 2.1" is shown beside our code
on the sheet page, the PDF and every criterion list."""

import io
import re

import pytest
from django.db.models import F
from django.urls import reverse
from pypdf import PdfReader

from portfolio.models import Evidence, EvidenceLink
from qualifications.models import AssessmentCriterion, CatalogueNote, LearningOutcome, Unit
from qualifications.services.catalogue import load_catalogue
from tests.factories import client_for, make_registration
from tests.tracking.helpers import add_evidence
from tracking import pdf as tracking_pdf
from tracking.sheets import build_sheet

pytestmark = pytest.mark.django_db

PRINTED_AS = (
    '<span class="criterion-code">1.1</span> '
    '<span class="printed-code small text-body-secondary">(printed as 2.1)</span>'
)
DIPLOMA_001 = "603/4354/0"  # every unit of seed 001, T/617/5410 among them


def criterion(reference, code):
    return AssessmentCriterion.objects.get(unit__reference=reference, code=code)


@pytest.fixture
def renumbered():
    return criterion("T/617/5410", "1.1")


@pytest.fixture
def registration(world):
    return make_registration(world.centre, assessor=world.assessor, iqa=world.iqa, qualification=DIPLOMA_001)


def test_a_gap_in_the_printed_numbering_is_kept_with_a_note():
    outcome = LearningOutcome.objects.get(unit__reference="T/601/1574", number="3")
    codes = list(outcome.criteria.order_by("order").values_list("code", "printed_code"))
    assert codes == [("3.1", ""), ("3.2", ""), ("3.4", ""), ("3.5", ""), ("3.6", "")]
    note = CatalogueNote.objects.get(unit__reference="T/601/1574", field="code")
    assert note.kind == "judgement" and "no 3.3 is printed" in note.explanation


def test_only_colliding_codes_are_renumbered():
    renumbered = AssessmentCriterion.objects.exclude(printed_code="").exclude(printed_code=F("code"))
    assert sorted((c.unit.reference, c.code, c.printed_code) for c in renumbered.select_related("unit")) == [
        ("T/617/5410", "1.1", "2.1"),
        ("T/617/5410", "1.2", "2.2"),
        ("T/617/5410", "1.3", "2.3"),
        ("T/617/5410", "1.4", "2.4"),
    ]


def test_code_label_names_the_printed_code_only_where_it_differs(renumbered):
    assert renumbered.code_label == "1.1 (printed as 2.1)"
    assert criterion("T/617/5410", "2.1").code_label == "2.1"


def test_loading_again_moves_codes_without_moving_rows(world):
    """A catalogue loaded before the gap was kept (3.3-3.5 renumbered from 3.4-3.6) keeps each criterion's row,
    and the evidence linked to it, when the printed codes come back."""
    by_text = {c.text: c.pk for c in AssessmentCriterion.objects.filter(unit__reference="T/601/1574")}
    unit = Unit.objects.get(reference="T/601/1574")
    # the old renumbering, as the database held it
    for old, new in (("3.4", "3.3"), ("3.5", "3.4"), ("3.6", "3.5")):
        AssessmentCriterion.objects.filter(unit=unit, code=old).update(code=new, printed_code=old)
    linked = AssessmentCriterion.objects.get(unit=unit, code="3.3")  # printed 3.4
    registration = make_registration(
        world.centre,
        assessor=world.assessor,
        iqa=world.iqa,
        qualification="600/5469/4",
        optional_units=[unit.reference],
    )
    link = add_evidence(registration, [linked]).links.get()

    report = load_catalogue()

    assert report.warnings == []
    assert {c.text: c.pk for c in AssessmentCriterion.objects.filter(unit=unit)} == by_text
    link.refresh_from_db()
    assert (link.criterion.code, link.criterion.printed_code) == ("3.4", "")
    assert link.criterion.text.startswith("give feedback to their colleague")


def test_catalogue_unit_page_shows_printed_as(client, renumbered):
    html = client.get(reverse("qualifications:unit", args=[renumbered.unit_id])).content.decode()
    assert PRINTED_AS in html


def test_search_shows_printed_as(client):
    html = client.get(reverse("qualifications:search"), {"q": "State what a first impression is"}).content.decode()
    assert "(printed as 2.1)" in html


def test_sheet_page_shows_printed_as(world, registration, renumbered):
    response = client_for(world.assessor).get(reverse("tracking:sheet", args=[registration.pk, renumbered.unit_id]))
    assert PRINTED_AS in response.content.decode()


def test_sheet_pdf_prints_printed_as(registration, renumbered):
    data = tracking_pdf.unit_sheet_pdf(build_sheet(registration, renumbered.unit))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    assert "1.1 (printed as 2.1) State what a first impression is" in text
    assert re.search(r"2\.1 Identify what skills can help", text)  # learning outcome 2's own 2.1, as printed


def test_progress_and_linking_pages_show_printed_as(registration, renumbered):
    learner = client_for(registration.learner)
    html = learner.get(reverse("portfolio:unit-progress", args=[registration.pk, renumbered.unit_id])).content.decode()
    assert PRINTED_AS in html
    draft = Evidence.objects.create(
        registration=registration,
        reference=1,
        title="Greeting",
        date="2026-01-10",
        author=registration.learner,
        status=Evidence.Status.DRAFT,
    )
    assert PRINTED_AS in learner.get(reverse("portfolio:evidence-link", args=[draft.pk])).content.decode()


def test_evidence_and_judging_pages_show_printed_as(world, registration, renumbered):
    evidence = add_evidence(registration, [renumbered], status=EvidenceLink.Status.PENDING)
    assessor = client_for(world.assessor)
    assert PRINTED_AS in assessor.get(reverse("portfolio:evidence-detail", args=[evidence.pk])).content.decode()
    judging = assessor.get(reverse("portfolio:evidence-judge", args=[evidence.pk]))
    assert judging.status_code == 200
    assert judging.content.decode().count(PRINTED_AS) == 2  # judging form and the met table
