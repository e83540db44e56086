"""The assessor judges each link and marks criteria met; progress follows."""

import datetime as dt

import pytest
from django.utils import translation

from centres.models import Event
from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink
from portfolio.progress import CriterionState, registration_progress, unit_status
from portfolio.selectors import assessor_queue
from portfolio.services import AlreadyDone, NotAllowed, PortfolioError
from portfolio.services.judgement import LinkJudgement, judge_evidence, judge_link, mark_criterion_met, unmark_criterion
from qualifications.models import AssessmentCriterion
from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, link_for, make_evidence, today

pytestmark = pytest.mark.django_db


def test_assessor_accepts_and_rejects_with_feedback(world):
    c1, c2 = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.registration, criteria=[c1, c2])
    assert judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    with pytest.raises(PortfolioError, match="Say why"):
        judge_link(actor=world.assessor, link=link_for(evidence, c2), accepted=False, feedback="  ")
    judge_link(actor=world.assessor, link=link_for(evidence, c2), accepted=False, feedback="Not sufficient: one case")
    accepted, rejected = link_for(evidence, c1), link_for(evidence, c2)
    assert accepted.status == EvidenceLink.Status.ACCEPTED and accepted.judged_by == world.assessor
    assert accepted.countersign_status == CountersignStatus.NOT_REQUIRED
    assert rejected.status == EvidenceLink.Status.REJECTED and rejected.feedback == "Not sufficient: one case"
    events = Event.objects.filter(action="link.judged").order_by("id")
    assert [e.data["outcome"] for e in events] == ["accepted", "rejected"]
    assert events[1].data["feedback"] == "Not sufficient: one case"


def test_the_same_judgement_twice_records_once(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[c1])
    assert judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    assert not judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    assert Event.objects.filter(action="link.judged").count() == 1


@pytest.mark.parametrize("who", ["learner", "iqa", "admin", "other_assessor", "trainee", "other_centre_assessor"])
def test_only_the_learners_assessor_judges(world, who):
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[c1])
    with pytest.raises(NotAllowed):
        judge_link(actor=getattr(world, who), link=link_for(evidence, c1), accepted=True)
    with pytest.raises(NotAllowed):
        mark_criterion_met(actor=getattr(world, who), registration=world.registration, criterion=c1)
    assert link_for(evidence, c1).status == EvidenceLink.Status.PENDING


def test_drafts_are_not_judged(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    draft = make_evidence(world.registration, criteria=[c1], submit=False)
    with pytest.raises(PortfolioError, match="submitted evidence"):
        judge_link(actor=world.assessor, link=link_for(draft, c1), accepted=True)


def test_judging_several_links_is_all_or_nothing(world):
    c1, c2 = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.registration, criteria=[c1, c2])
    other = make_evidence(world.other_registration, criteria=[c1])
    with pytest.raises(PortfolioError, match="not linked to this evidence"):
        judge_evidence(
            actor=world.assessor,
            evidence=evidence,
            judgements=[LinkJudgement(link_for(evidence, c1).pk, True), LinkJudgement(link_for(other, c1).pk, True)],
        )
    with pytest.raises(PortfolioError, match="Say why"):
        judge_evidence(
            actor=world.assessor,
            evidence=evidence,
            judgements=[
                LinkJudgement(link_for(evidence, c1).pk, True),
                LinkJudgement(link_for(evidence, c2).pk, False),
            ],
        )
    assert set(evidence.links.values_list("status", flat=True)) == {EvidenceLink.Status.PENDING}
    judged, marked = judge_evidence(
        actor=world.assessor,
        evidence=evidence,
        judgements=[
            LinkJudgement(link_for(evidence, c1).pk, True, mark_met=True),
            LinkJudgement(link_for(evidence, c2).pk, False, "Add a witness statement", mark_met=True),
        ],
    )
    assert (judged, marked) == (2, 1)
    assert CriterionDecision.objects.get(criterion=c1).is_met
    assert not CriterionDecision.objects.filter(criterion=c2).exists()


def test_met_needs_accepted_evidence_and_dates_from_the_latest(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    with pytest.raises(PortfolioError, match="no accepted evidence"):
        mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1)
    early = make_evidence(world.registration, criteria=[c1], days_ago=20)
    late = make_evidence(world.registration, criteria=[c1], days_ago=4)
    pending = make_evidence(world.registration, criteria=[c1], days_ago=1)
    judge_link(actor=world.assessor, link=link_for(early, c1), accepted=True)
    judge_link(actor=world.assessor, link=link_for(late, c1), accepted=True)
    decision = mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1)
    assert decision.met_on == late.date != pending.date
    assert decision.decided_by == world.assessor
    event = Event.objects.get(action="criterion.marked_met")
    assert event.data["met_on"] == late.date.isoformat()


def test_met_date_can_be_given_but_not_in_the_future(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[c1])
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    with pytest.raises(PortfolioError, match="future"):
        mark_criterion_met(
            actor=world.assessor, registration=world.registration, criterion=c1, met_on=today() + dt.timedelta(days=1)
        )
    decision = mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1, met_on=today(1))
    assert decision.met_on == today(1)
    with pytest.raises(AlreadyDone):
        mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1, met_on=today(1))


def test_criterion_outside_the_plan_cannot_be_marked(world):
    outside = AssessmentCriterion.objects.exclude(unit__reference__in=[UNIT_A, UNIT_B]).first()
    with pytest.raises(PortfolioError, match="not on this learner's plan"):
        mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=outside)


def test_unmark_before_sign_off_keeps_the_history(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[c1])
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1)
    unmark_criterion(actor=world.assessor, registration=world.registration, criterion=c1, reason="Checked again")
    decision = CriterionDecision.objects.get(criterion=c1)
    assert not decision.is_met
    assert list(Event.objects.filter(object_type="criteriondecision").values_list("action", flat=True)) == [
        "criterion.marked_met",
        "criterion.unmarked",
    ]
    with pytest.raises(AlreadyDone):
        unmark_criterion(actor=world.assessor, registration=world.registration, criterion=c1)


def test_rejecting_the_only_evidence_of_a_met_criterion_is_refused(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[c1])
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1)
    with pytest.raises(PortfolioError, match="unmark it"):
        judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=False, feedback="On reflection, no")


def test_progress_follows_judgements_and_decisions(world):
    c1, c2 = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.registration, criteria=[c1, c2])
    before = registration_progress([world.registration])[world.registration.pk]
    assert (before.met, before.awaiting_review) == (0, 1)
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    judge_link(actor=world.assessor, link=link_for(evidence, c2), accepted=False, feedback="More")
    mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1)
    after = registration_progress([world.registration])[world.registration.pk]
    assert (after.met, after.awaiting_review) == (1, 0)
    states = {s.criterion.pk: s.state for s in unit_status(world.registration, c1.unit).criteria}
    assert states[c1.pk] == CriterionState.MET
    assert states[c2.pk] == CriterionState.NO_EVIDENCE


def test_queue_lists_submitted_evidence_oldest_first_for_the_assessors_learners(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    first = make_evidence(world.registration, criteria=[c1], title="First")
    make_evidence(world.registration, criteria=[c1], submit=False, title="Draft")
    second = make_evidence(world.registration, criteria=[c1], title="Second")
    make_evidence(world.other_registration, criteria=[c1], title="Someone else's learner")
    assert list(assessor_queue(world.assessor)) == [first, second]
    judge_link(actor=world.assessor, link=link_for(first, c1), accepted=True)
    assert list(assessor_queue(world.assessor)) == [second]
    assert list(assessor_queue(world.other_centre_assessor)) == []


def test_a_home_pages_head_and_size_of_the_queue_follow_the_queues_own_rule(world):
    from portfolio.selectors import assessor_learners, queue_head, queue_size

    def size(assessor):
        return queue_size([registration.pk for registration in assessor_learners(assessor)])

    c1 = criteria_of(UNIT_A, 1)[0]
    first = make_evidence(world.registration, criteria=[c1], title="First")
    make_evidence(world.registration, criteria=[c1], submit=False, title="Draft")
    second = make_evidence(world.registration, criteria=[c1], title="Second")
    make_evidence(world.other_registration, criteria=[c1], title="Someone else's learner")
    assert queue_head(world.assessor, 5) == list(assessor_queue(world.assessor)) == [first, second]
    assert queue_head(world.assessor, 1) == [first] and size(world.assessor) == 2
    assert queue_head(world.assessor, 5)[0].registration.learner == world.registration.learner
    judge_link(actor=world.assessor, link=link_for(first, c1), accepted=True)
    assert queue_head(world.assessor, 5) == [second] and size(world.assessor) == 1
    assert queue_head(world.other_centre_assessor, 5) == [] and size(world.other_centre_assessor) == 0
    world.registration.status = world.registration.Status.WITHDRAWN
    world.registration.save(update_fields=["status"])
    assert queue_head(world.assessor, 5) == [] and size(world.assessor) == 0


def test_the_queue_page_names_each_pieces_methods_in_the_methods_order_without_a_query_per_piece(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from qualifications.models import AssessmentMethod
    from tests.portfolio.helpers import login

    c1 = criteria_of(UNIT_A, 1)[0]
    order = list(AssessmentMethod.objects.values_list("code", flat=True))
    two = sorted(["RA", "PE"], key=order.index)
    make_evidence(world.registration, criteria=[c1], title="Two methods", methods=("RA", "PE"))
    make_evidence(world.registration, criteria=[c1], title="One method", methods=("O",))
    login(client, world.assessor)
    url = reverse("portfolio:assessor-queue")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).text
    assert f'<td data-label="Methods">{", ".join(two)}</td>' in page
    assert '<td data-label="Methods">O</td>' in page
    for n in range(3):
        make_evidence(world.registration, criteria=[c1], title=f"More {n}", methods=("RA", "RPL"))
    with CaptureQueriesContext(connection) as more:
        page = client.get(url).text
    assert page.count('<td data-label="Methods">') == 5 and len(more) == len(few)


def test_queue_counts_links_and_files_without_a_join_fan_out(world):
    from portfolio.selectors import assessor_registrations
    from tests import samples

    c1, c2, c3 = criteria_of(UNIT_A, 3)
    evidence = make_evidence(
        world.registration,
        criteria=[c1, c2, c3],
        files=[samples.upload("a.png", samples.png_bytes()), samples.upload("b.pdf", samples.pdf_bytes())],
    )
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    judge_link(actor=world.assessor, link=link_for(evidence, c2), accepted=False, feedback="More detail")
    [item] = assessor_queue(world.assessor)
    assert (item.links_total, item.links_pending, item.links_accepted, item.links_rejected, item.files_total) == (
        3,
        1,
        1,
        1,
        2,
    )
    # Driven from the ids the page already holds: the same rows.
    ids = list(assessor_registrations(world.assessor).values_list("pk", flat=True))
    assert list(assessor_queue(world.assessor, ids)) == [item]
    # A learner who is no longer active leaves the queue.
    world.registration.status = world.registration.Status.WITHDRAWN
    world.registration.save(update_fields=["status"])
    assert list(assessor_queue(world.assessor)) == []


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_a_links_status_label_is_what_get_status_display_says_in_each_language(language):
    with translation.override(language):
        for status in EvidenceLink.Status:
            link = EvidenceLink(status=status)
            assert str(link.status_label) == str(link.get_status_display())
