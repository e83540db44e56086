"""Unit 17 of 603/4687/5 (R/617/6452), read so that nobody is under-assessed: every learner is assessed on B17.1
in the wording of their pathway and on B17.2. Progress, the sheet (page and PDF), the sign-off check and the
learner's linking page all read portfolio.progress, so they agree."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from portfolio.models import Evidence
from portfolio.progress import registration_progress, unit_status
from qualifications.cache import bump_catalogue_version
from qualifications.models import AssessmentCriterion, Pathway, Unit
from qualifications.services.catalogue import load_catalogue
from tests.factories import DIPLOMA_SKILLS, client_for, make_registration
from tests.tracking.helpers import add_evidence, mark_met
from tracking import pdf as tracking_pdf
from tracking.services.signoff import SignOffError, sign_unit
from tracking.sheets import build_sheet

pytestmark = pytest.mark.django_db

UNIT_17 = "R/617/6452"
FACE_TO_FACE_WORDING = "Present a professional image in line with the organisational dress code and code of conduct"
NON_FACING_WORDING = "Demonstrate a positive attitude and welcoming approach consistently when dealing with customers"
WORDING = {"face-to-face": FACE_TO_FACE_WORDING, "non-facing": NON_FACING_WORDING}
OTHER = {"face-to-face": "non-facing", "non-facing": "face-to-face"}
PATHWAYS = ["face-to-face", "non-facing"]


@pytest.fixture
def unit_17():
    return Unit.objects.get(reference=UNIT_17)


def learner_on(world, pathway):
    return make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification=DIPLOMA_SKILLS, pathway=pathway
    )


def criterion(code):
    return AssessmentCriterion.objects.get(unit__reference=UNIT_17, code=code)


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_every_learner_is_assessed_on_b17_1_and_b17_2(world, unit_17, pathway):
    registration = learner_on(world, pathway)
    status = unit_status(registration, unit_17)
    assert {(s.criterion.code, s.required) for s in status.criteria} == {("B17.1", True), ("B17.2", True)}
    # the progress figure counts them too: every criterion of the plan but the other pathway's three of unit 9
    every_criterion = AssessmentCriterion.objects.filter(unit__memberships__qualification__number=DIPLOMA_SKILLS)
    assert registration_progress([registration])[registration.pk].required == every_criterion.count() - 3


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_b17_1_reads_in_the_learners_own_pathway_wording(world, unit_17, pathway):
    registration = learner_on(world, pathway)
    by_code = {s.criterion.code: s for s in unit_status(registration, unit_17).criteria}
    assert by_code["B17.1"].text == WORDING[pathway]
    assert by_code["B17.2"].text == "Maintain professional and positive language consistently in customer interactions"


def test_without_a_pathway_b17_1_reads_as_printed_with_both_wordings(world, unit_17):
    registration = learner_on(world, None)
    by_code = {s.criterion.code: s for s in unit_status(registration, unit_17).criteria}
    assert by_code["B17.1"].text == criterion("B17.1").text
    assert FACE_TO_FACE_WORDING in by_code["B17.1"].text and NON_FACING_WORDING in by_code["B17.1"].text


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_unit_17_is_not_complete_without_b17_2_and_cannot_be_signed(world, unit_17, pathway):
    registration = learner_on(world, pathway)
    b171, b172 = criterion("B17.1"), criterion("B17.2")
    add_evidence(registration, [b171])
    mark_met(registration, b171)
    status = unit_status(registration, unit_17)
    assert (status.met, status.required, status.complete) == (1, 2, False)
    with pytest.raises(SignOffError):
        sign_unit(registration=registration, unit=unit_17, user=registration.learner, role="learner")

    add_evidence(registration, [b172])
    mark_met(registration, b172)
    status = unit_status(registration, unit_17)
    assert (status.met, status.required, status.complete) == (2, 2, True)
    assert registration_progress([registration])[registration.pk].met == 2
    sign_unit(registration=registration, unit=unit_17, user=registration.learner, role="learner")


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_unit_17_is_not_complete_without_b17_1(world, unit_17, pathway):
    registration = learner_on(world, pathway)
    b172 = criterion("B17.2")
    add_evidence(registration, [b172])
    mark_met(registration, b172)
    assert unit_status(registration, unit_17).complete is False


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_sheet_page_shows_the_learners_wording_and_the_judgement_note(world, unit_17, pathway):
    registration = learner_on(world, pathway)
    response = client_for(world.assessor).get(reverse("tracking:sheet", args=[registration.pk, unit_17.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert WORDING[pathway] in html
    assert WORDING[OTHER[pathway]] not in html.split("Catalogue notes on this unit")[0]
    assert "Catalogue notes on this unit" in html
    assert "never under-assesses" in html


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_sheet_pdf_prints_the_learners_wording_and_the_judgement_note(world, unit_17, pathway):
    registration = learner_on(world, pathway)
    text = pdf_text(tracking_pdf.unit_sheet_pdf(build_sheet(registration, unit_17)))
    assert f"B17.1 {WORDING[pathway]}" in text
    assert "B17.2 Maintain professional and positive language" in text
    assert "Catalogue notes on this unit" in text
    assert "never under-assesses" in text


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_linking_page_offers_b17_1_in_the_learners_wording_and_b17_2(world, unit_17, pathway):
    registration = learner_on(world, pathway)
    evidence = Evidence.objects.create(
        registration=registration,
        reference=1,
        title="Customer call",
        date="2026-01-10",
        author=registration.learner,
        status=Evidence.Status.DRAFT,
    )
    response = client_for(registration.learner).get(reverse("portfolio:evidence-link", args=[evidence.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    b171, b172 = criterion("B17.1"), criterion("B17.2")
    assert f'value="{b171.pk}"' in html and f'value="{b172.pk}"' in html
    assert WORDING[pathway] in html
    assert WORDING[OTHER[pathway]] not in html


def test_unit_page_shows_both_wordings_labelled_and_the_note(client, unit_17):
    html = client.get(reverse("qualifications:unit", args=[unit_17.pk])).content.decode()
    assert "<strong>Face to face:</strong> " + FACE_TO_FACE_WORDING in html
    assert "<strong>Non-facing:</strong> " + NON_FACING_WORDING in html
    assert "pathway only" not in html  # neither criterion is limited to one pathway now
    assert "Catalogue notes on this unit" in html
    assert "never under-assesses" in html


def test_qualification_keeps_both_pathways(unit_17):
    qualification = unit_17.qualifications.get()
    assert set(qualification.pathways.values_list("code", flat=True)) == set(PATHWAYS)


def test_a_unit_17_signed_under_the_old_reading_keeps_its_signatures_and_shows_it_changed(world, unit_17):
    """Before this reading, B17.1 counted for face-to-face learners only and B17.2 for non-facing learners only.
    Loading the catalogue does not touch signatures: the signed sheet says its content changed since signing, so
    the assessor reopens the unit and assesses B17.2 too."""
    b171, b172 = criterion("B17.1"), criterion("B17.2")
    face, non_facing = Pathway.objects.get(code="face-to-face"), Pathway.objects.get(code="non-facing")
    AssessmentCriterion.objects.filter(pk=b171.pk).update(pathway=face)
    AssessmentCriterion.objects.filter(pk=b172.pk).update(pathway=non_facing)
    bump_catalogue_version()  # as loading the old catalogue did: every process reads the catalogue again
    registration = learner_on(world, "face-to-face")
    add_evidence(registration, [b171])
    mark_met(registration, b171)
    assert unit_status(registration, unit_17).complete
    learner_signature = sign_unit(registration=registration, unit=unit_17, user=registration.learner, role="learner")
    assessor_signature = sign_unit(registration=registration, unit=unit_17, user=world.assessor, role="assessor")

    load_catalogue()

    sheet = build_sheet(registration, unit_17)
    assert set(sheet.state.live) == {"learner", "assessor"}
    assert {s.pk for s in sheet.state.live.values()} == {learner_signature.pk, assessor_signature.pk}
    assert sheet.state.content_changed
    assert "must reopen" in sheet.state.stage
    assert (sheet.status.met, sheet.status.required) == (1, 2)


@pytest.mark.parametrize("pathway", PATHWAYS)
def test_evidence_and_judging_pages_show_b17_1_in_the_learners_wording(world, unit_17, pathway):
    registration = learner_on(world, pathway)
    evidence = add_evidence(registration, [criterion("B17.1")], status="pending")
    assessor = client_for(world.assessor)
    for name in ("portfolio:evidence-detail", "portfolio:evidence-judge"):
        html = assessor.get(reverse(name, args=[evidence.pk])).content.decode()
        assert WORDING[pathway] in html, name
        assert WORDING[OTHER[pathway]] not in html, name
