"""A trainee assessor's judgements and decisions wait for their countersignatory, who confirms or overturns them."""

import pytest
from django.urls import reverse

from centres.models import CompetenceStatus, Event, Membership, Role
from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink
from portfolio.progress import CriterionState, registration_progress, unit_status
from portfolio.selectors import countersign_queue
from portfolio.services import AlreadyDone, NotAllowed, PortfolioError
from portfolio.services.judgement import countersign_decision, countersign_link, judge_link, mark_criterion_met
from tests.factories import client_for, make_staff
from tests.portfolio.helpers import UNIT_A, criteria_of, link_for, make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee_decision(world):
    """The trainee accepts evidence for a criterion and marks it met."""
    registration = world.trainee_registration
    c1, c2 = criteria_of(UNIT_A, 2)
    evidence = make_evidence(registration, criteria=[c1, c2])
    judge_link(actor=world.trainee, link=link_for(evidence, c1), accepted=True)
    judge_link(actor=world.trainee, link=link_for(evidence, c2), accepted=False, feedback="Too short")
    decision = mark_criterion_met(actor=world.trainee, registration=registration, criterion=c1)
    return evidence, decision, c1, c2


def test_trainee_decisions_await_countersignature_and_do_not_count(world, trainee_decision):
    evidence, decision, c1, c2 = trainee_decision
    assert decision.countersign_status == CountersignStatus.AWAITING
    assert link_for(evidence, c1).countersign_status == CountersignStatus.AWAITING
    state = {s.criterion.pk: s.state for s in unit_status(world.trainee_registration, c1.unit).criteria}[c1.pk]
    assert state == CriterionState.AWAITING_COUNTERSIGNATURE
    assert registration_progress([world.trainee_registration])[world.trainee_registration.pk].met == 0


def test_countersignatory_sees_and_confirms(world, trainee_decision):
    evidence, decision, c1, c2 = trainee_decision
    links, decisions = countersign_queue(world.assessor)
    assert {link.criterion_id for link in links} == {c1.pk, c2.pk}
    assert decisions == [decision]
    countersign_decision(actor=world.assessor, decision=decision, confirm=True)
    countersign_link(actor=world.assessor, link=link_for(evidence, c1), confirm=True)
    decision.refresh_from_db()
    assert decision.countersign_status == CountersignStatus.CONFIRMED
    assert decision.countersigned_by == world.assessor
    assert registration_progress([world.trainee_registration])[world.trainee_registration.pk].met == 1
    assert Event.objects.filter(action="decision.countersigned", data__outcome="confirmed").exists()
    with pytest.raises(AlreadyDone):
        countersign_decision(actor=world.assessor, decision=decision, confirm=True)


def test_overturning_needs_a_note_and_reverts(world, trainee_decision):
    evidence, decision, c1, c2 = trainee_decision
    with pytest.raises(PortfolioError, match="Say why"):
        countersign_decision(actor=world.assessor, decision=decision, confirm=False)
    countersign_decision(actor=world.assessor, decision=decision, confirm=False, note="Only one customer seen")
    decision.refresh_from_db()
    assert not decision.is_met and decision.countersign_status == CountersignStatus.OVERTURNED
    countersign_link(actor=world.assessor, link=link_for(evidence, c2), confirm=False, note="Short but sufficient")
    link = link_for(evidence, c2)
    assert link.status == EvidenceLink.Status.PENDING
    assert link.countersign_note == "Short but sufficient"
    event = Event.objects.get(action="link.countersigned")
    assert (event.data["outcome"], event.data["judged"], event.actor) == ("overturned", "Rejected", world.assessor)


def test_accepted_link_behind_an_awaiting_met_cannot_be_overturned_first(world, trainee_decision):
    evidence, decision, c1, c2 = trainee_decision
    with pytest.raises(PortfolioError, match="overturn that decision first"):
        countersign_link(actor=world.assessor, link=link_for(evidence, c1), confirm=False, note="No")


@pytest.mark.parametrize("who", ["trainee", "other_assessor", "iqa", "admin", "learner", "other_centre_assessor"])
def test_only_the_named_countersignatory_may_countersign(world, trainee_decision, who):
    evidence, decision, c1, c2 = trainee_decision
    with pytest.raises(NotAllowed):
        countersign_decision(actor=getattr(world, who), decision=decision, confirm=True)
    with pytest.raises(NotAllowed):
        countersign_link(actor=getattr(world, who), link=link_for(evidence, c1), confirm=True)
    assert CriterionDecision.objects.get(pk=decision.pk).countersign_status == CountersignStatus.AWAITING


def test_other_assessors_see_nothing_to_countersign(world, trainee_decision):
    assert countersign_queue(world.other_assessor) == ([], [])
    assert countersign_queue(world.other_centre_assessor) == ([], [])


def test_qualified_assessors_decisions_need_no_countersignature(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[c1])
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    decision = mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1)
    assert decision.countersign_status == CountersignStatus.NOT_REQUIRED and decision.is_final


def test_trainee_without_a_countersignatory_cannot_decide(world):
    Membership.objects.filter(user=world.trainee, role=Role.ASSESSOR).update(countersignatory=None)
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.trainee_registration, criteria=[c1])
    with pytest.raises(PortfolioError, match="no countersignatory"):
        judge_link(actor=world.trainee, link=link_for(evidence, c1), accepted=True)


def test_countersignatory_who_is_not_qualified_may_not_countersign(world, trainee_decision):
    evidence, decision, c1, c2 = trainee_decision
    Membership.objects.filter(user=world.assessor, role=Role.ASSESSOR).update(status="working_towards")
    with pytest.raises(NotAllowed):
        countersign_decision(actor=world.assessor, decision=decision, confirm=True)


def test_new_trainee_named_countersignatory_sees_only_their_trainees(world):
    second = make_staff(world.centre, Role.ASSESSOR)
    assert countersign_queue(second) == ([], [])


def test_the_countersignatory_signed_in_stops_seeing_a_trainees_work_once_the_trainee_qualifies(
    world, trainee_decision
):
    # The countersignatory's roles are kept in their session; the trainee's change of status must reach it.
    client = client_for(world.assessor)
    queue = reverse("portfolio:countersign-queue")
    assert world.trainee_registration.learner.full_name in client.get(queue).text
    trainee = Membership.objects.get(user=world.trainee, role=Role.ASSESSOR)
    trainee.status = CompetenceStatus.QUALIFIED
    trainee.save()
    assert world.trainee_registration.learner.full_name not in client.get(queue).text
    assert countersign_queue(world.assessor) == ([], [])
