"""The assessor's day: one overall feedback, accept or reject all, the next item opening after saving, the state
evidence shows after judging, countersigning a whole piece, photos in the page and the trainee's home panel (PDF
previews: test_pdf_previews)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import Event
from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink
from portfolio.services import AlreadyDone, PortfolioError
from portfolio.services.judgement import (
    LinkJudgement,
    countersign_evidence,
    judge_all,
    judge_evidence,
    judge_link,
)
from portfolio.services.judgement.state import display_state, state_of
from tests import samples
from tests.factories import client_for
from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, link_for, make_evidence

pytestmark = pytest.mark.django_db


def _judge_url(evidence):
    return reverse("portfolio:evidence-judge", args=[evidence.pk])


# --- accept all / reject all, overall feedback -----------------------------------------------------------


def test_accept_all_with_one_feedback_judges_every_link_and_marks_met(world):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 3))
    judged, marked = judge_all(actor=world.assessor, evidence=evidence, accepted=True, feedback="Clear, complete log.")
    assert (judged, marked) == (3, 3)
    links = list(evidence.links.all())
    assert {link.status for link in links} == {EvidenceLink.Status.ACCEPTED}
    assert {link.feedback for link in links} == {"Clear, complete log."}
    assert CriterionDecision.objects.filter(registration=world.registration, is_met=True).count() == 3
    event = Event.objects.get(action="evidence.feedback")
    assert event.data["feedback"] == "Clear, complete log." and event.data["evidence_reference"] == evidence.reference
    assert Event.objects.filter(action="link.judged").count() == 3


def test_reject_all_needs_feedback_and_leaves_nothing_half_done(world):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2))
    with pytest.raises(PortfolioError, match="Say why"):
        judge_all(actor=world.assessor, evidence=evidence, accepted=False, feedback="  ")
    assert not evidence.links.exclude(status=EvidenceLink.Status.PENDING).exists()
    judge_all(actor=world.assessor, evidence=evidence, accepted=False, feedback="The log has no dates.")
    assert set(evidence.links.values_list("status", flat=True)) == {EvidenceLink.Status.REJECTED}
    assert state_of(evidence, evidence.links.all()).code == "needs_new_version"


def test_overall_feedback_comes_before_each_criterions_note(world):
    c1, c2 = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.registration, criteria=[c1, c2])
    judge_evidence(
        actor=world.assessor,
        evidence=evidence,
        judgements=[
            LinkJudgement(link_for(evidence, c1).pk, accepted=True),
            LinkJudgement(link_for(evidence, c2).pk, accepted=False, feedback="Show the follow-up."),
        ],
        feedback="A good start.",
    )
    assert link_for(evidence, c1).feedback == "A good start."
    assert link_for(evidence, c2).feedback == "A good start.\n\nShow the follow-up."


def test_a_failing_link_in_accept_all_saves_nothing(world):
    """A trainee with no countersignatory may not decide: the whole piece stays as it was."""
    from centres.models import Membership

    Membership.objects.filter(user=world.trainee).update(countersignatory=None)
    evidence = make_evidence(world.trainee_registration, criteria=criteria_of(UNIT_A, 2))
    with pytest.raises(PortfolioError):
        judge_all(actor=world.trainee, evidence=evidence, accepted=True, feedback="Fine.")
    assert not evidence.links.exclude(status=EvidenceLink.Status.PENDING).exists()
    assert not Event.objects.filter(action__in=["link.judged", "evidence.feedback"]).exists()


# --- the next item opens ---------------------------------------------------------------------------------


def test_after_accept_all_the_next_item_in_the_queue_opens_then_the_queue(world):
    first = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2), title="First")
    second = make_evidence(world.registration, criteria=criteria_of(UNIT_B, 1), title="Second")
    make_evidence(world.other_registration, criteria=criteria_of(UNIT_A, 1), title="Not mine")
    assessor = client_for(world.assessor)
    response = assessor.post(
        _judge_url(first), {"all": "accept", "overall_feedback": "Well done.", "confirm_vacs": "on", "met_all": "on"}
    )
    assert response.status_code == 302 and response["Location"] == _judge_url(second)
    response = assessor.post(_judge_url(second), {"all": "reject", "overall_feedback": "Add dates."})
    assert response["Location"] == reverse("portfolio:assessor-queue")
    assert link_for(second, criteria_of(UNIT_B, 1)[0]).status == EvidenceLink.Status.REJECTED


def test_accept_all_without_the_vacs_confirmation_is_refused(world):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2))
    response = client_for(world.assessor).post(_judge_url(evidence), {"all": "accept"}, follow=True)
    assert "valid, authentic, current and sufficient" in response.content.decode()
    assert not evidence.links.exclude(status=EvidenceLink.Status.PENDING).exists()


def test_only_the_learners_assessor_may_accept_all(world):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1))
    for who, status in (("learner", 403), ("iqa", 403), ("admin", 403), ("other_assessor", 404)):
        response = client_for(getattr(world, who)).post(_judge_url(evidence), {"all": "accept", "confirm_vacs": "on"})
        assert response.status_code == status, who
    assert not evidence.links.exclude(status=EvidenceLink.Status.PENDING).exists()


# --- the display state -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "current", "accepted", "rejected", "pending", "code"),
    [
        ("draft", True, 0, 0, 2, "draft"),
        ("withdrawn", True, 1, 0, 0, "withdrawn"),
        ("submitted", False, 0, 2, 0, "replaced"),
        ("submitted", True, 0, 0, 3, "submitted"),
        ("submitted", True, 0, 0, 0, "submitted"),
        ("submitted", True, 1, 0, 2, "partly_judged"),
        ("submitted", True, 3, 0, 0, "accepted"),
        ("submitted", True, 2, 1, 0, "partly_accepted"),
        ("submitted", True, 0, 2, 0, "needs_new_version"),
    ],
)
def test_display_state_rule(status, current, accepted, rejected, pending, code):
    state = display_state(status=status, is_current=current, accepted=accepted, rejected=rejected, pending=pending)
    assert state.code == code


def test_evidence_shows_its_real_state_on_the_detail_and_portfolio_pages(world):
    c1, c2 = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.registration, criteria=[c1, c2])
    learner = client_for(world.learner)
    detail = reverse("portfolio:evidence-detail", args=[evidence.pk])
    portfolio = reverse("portfolio:registration-portfolio", args=[world.registration.pk])
    assert 'data-state="submitted"' in learner.get(detail).content.decode()
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    judge_link(actor=world.assessor, link=link_for(evidence, c2), accepted=False, feedback="No dates.")
    assert 'data-state="partly_accepted"' in learner.get(detail).content.decode()
    page = learner.get(portfolio).content.decode()
    assert "Partly accepted" in page and ">Submitted<" not in page
    judge_all(
        actor=world.assessor,
        evidence=make_evidence(world.registration, criteria=[c2]),
        accepted=False,
        feedback="Again no dates.",
    )
    assert "Needs a new version" in learner.get(portfolio).content.decode()


# --- countersigning a whole piece ------------------------------------------------------------------------


@pytest.fixture
def trainee_piece(world):
    c1, c2 = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.trainee_registration, criteria=[c1, c2])
    judge_all(actor=world.trainee, evidence=evidence, accepted=True, feedback="Meets both.")
    return evidence


def test_countersignatory_confirms_a_whole_piece_in_one_action_audited_per_decision(world, trainee_piece):
    assert set(trainee_piece.links.values_list("countersign_status", flat=True)) == {CountersignStatus.AWAITING}
    links, decisions = countersign_evidence(actor=world.assessor, evidence=trainee_piece)
    assert (links, decisions) == (2, 2)
    assert set(trainee_piece.links.values_list("countersign_status", flat=True)) == {CountersignStatus.CONFIRMED}
    statuses = CriterionDecision.objects.filter(registration=world.trainee_registration)
    assert set(statuses.values_list("countersign_status", flat=True)) == {CountersignStatus.CONFIRMED}
    assert Event.objects.filter(action="link.countersigned", data__outcome="confirmed").count() == 2
    assert Event.objects.filter(action="decision.countersigned", data__outcome="confirmed").count() == 2
    with pytest.raises(AlreadyDone):
        countersign_evidence(actor=world.assessor, evidence=trainee_piece)


def test_confirm_all_from_the_countersigning_page(world, trainee_piece):
    assessor = client_for(world.assessor)
    page = assessor.get(reverse("portfolio:countersign-queue")).content.decode()
    url = reverse("portfolio:countersign-evidence", args=[trainee_piece.pk])
    assert url in page
    response = assessor.post(url, follow=True)
    assert "Confirmed 4 decisions on evidence" in response.content.decode()
    assert not trainee_piece.links.filter(countersign_status=CountersignStatus.AWAITING).exists()


@pytest.mark.parametrize(("who", "status"), [("trainee", 403), ("iqa", 403), ("admin", 403), ("learner", 404)])
def test_others_cannot_confirm_a_whole_piece(world, trainee_piece, who, status):
    response = client_for(getattr(world, who)).post(reverse("portfolio:countersign-evidence", args=[trainee_piece.pk]))
    assert response.status_code == status
    assert set(trainee_piece.links.values_list("countersign_status", flat=True)) == {CountersignStatus.AWAITING}


# --- the trainee's home panel ----------------------------------------------------------------------------


def test_trainee_home_lists_their_decisions_waiting_for_countersignature(world, trainee_piece):
    home = client_for(world.trainee).get(reverse("home")).content.decode()
    assert "Your decisions waiting for countersignature" in home
    assert home.count(reverse("portfolio:evidence-detail", args=[trainee_piece.pk])) >= 2
    countersign_evidence(actor=world.assessor, evidence=trainee_piece)
    home = client_for(world.trainee).get(reverse("home")).content.decode()
    assert "Your decisions waiting for countersignature" not in home


def test_trainee_panel_reads_in_fixed_queries(world):
    client = client_for(world.trainee)

    def count():
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    judge_all(
        actor=world.trainee,
        evidence=make_evidence(world.trainee_registration, criteria=criteria_of(UNIT_A, 1)),
        accepted=True,
    )
    few = count()
    for unit, n in ((UNIT_A, 4), (UNIT_B, 4)):
        judge_all(
            actor=world.trainee,
            evidence=make_evidence(world.trainee_registration, criteria=criteria_of(unit, n)),
            accepted=True,
        )
    assert count() == few


# --- previews --------------------------------------------------------------------------------------------


def _pdf(world):
    evidence = make_evidence(
        world.registration,
        criteria=criteria_of(UNIT_A, 1),
        files=[
            samples.upload("IMG_1.jpg", samples.phone_photo_bytes()),
            samples.upload("Plan.pdf", samples.pdf_bytes()),
        ],
    )
    return evidence, evidence.files.get(content_type="application/pdf"), evidence.files.get(content_type="image/jpeg")


def test_the_evidence_page_shows_photos_and_offers_every_file_for_download(world):
    evidence, pdf, photo = _pdf(world)
    page = client_for(world.learner).get(reverse("portfolio:evidence-detail", args=[evidence.pk])).content.decode()
    assert f'<img src="{reverse("portfolio:file-thumbnail", args=[photo.pk])}"' in page
    for file in (pdf, photo):
        assert reverse("portfolio:file-download", args=[file.pk]) + "?download=1" in page
