"""Conflicts of interest, decided in one place (centres.conflicts), held in every service that acts for a learner.

A declared personal interest stops that member of staff judging evidence, marking criteria met, countersigning,
signing the tracking sheet in any role, sampling and signing EQS for that learner; the refusal is a NotAllowed
(a 403 in views). An interest declared at another centre does not. The IQA is independent of the learner's
delivery and assessment: never their assessor or tutor, never someone who made or countersigned the decisions."""

import datetime as dt

import pytest
from django.urls import reverse

from centres import conflicts
from centres.models import Event, PersonalInterest, Role
from core.errors import NotAllowed
from portfolio.models import CriterionDecision, EqaShare, EqaShareItem, EvidenceLink
from portfolio.services.judgement import countersign_decision, countersign_link, judge_link, mark_criterion_met
from portfolio.services.registration import RegistrationError, change_iqa, change_tutor
from quality.services.samples import check_may_sample_learner
from tests.factories import make_staff
from tests.portfolio.helpers import UNIT_A, criteria_of, link_for, make_evidence
from tests.quality.helpers import complete_unit, make_plan, sign_off, units_of
from tracking.models import SignatureRole
from tracking.services.signoff import SignOffError, sign_unit

pytestmark = pytest.mark.django_db


def _declare(world, staff, learner, centre=None):
    return PersonalInterest.objects.create(
        centre=centre or world.centre, staff=staff, learner=learner, description="Neighbours"
    )


# --- Judging evidence and marking criteria met -----------------------------------------------------------------


def test_assessor_with_a_declared_interest_cannot_judge_evidence(world):
    criterion = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[criterion])
    _declare(world, world.assessor, world.learner)
    with pytest.raises(NotAllowed, match="declared a personal interest in this learner, so you may not judge"):
        judge_link(actor=world.assessor, link=link_for(evidence, criterion), accepted=True)
    assert link_for(evidence, criterion).status == EvidenceLink.Status.PENDING


def test_assessor_without_an_interest_judges_evidence(world):
    criterion = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[criterion])
    _declare(world, world.assessor, world.other_learner)  # an interest in someone else
    assert judge_link(actor=world.assessor, link=link_for(evidence, criterion), accepted=True)


def test_assessor_with_a_declared_interest_cannot_mark_criteria_met(world):
    criterion = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[criterion])
    judge_link(actor=world.assessor, link=link_for(evidence, criterion), accepted=True)
    _declare(world, world.assessor, world.learner)
    with pytest.raises(NotAllowed, match="so you may not mark their criteria met"):
        mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=criterion)
    assert not CriterionDecision.objects.filter(registration=world.registration, criterion=criterion).exists()


def test_an_interest_declared_at_another_centre_does_not_stop_judging_here(world):
    criterion = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[criterion])
    make_staff(world.other_centre, Role.ASSESSOR, user=world.assessor)
    _declare(world, world.assessor, world.learner, centre=world.other_centre)
    judge_link(actor=world.assessor, link=link_for(evidence, criterion), accepted=True)
    decision = mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=criterion)
    assert decision.decided_by == world.assessor


# --- Countersigning a trainee assessor's decisions ------------------------------------------------------------


@pytest.fixture
def trainee_work(world):
    registration = world.trainee_registration
    criterion = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(registration, criteria=[criterion])
    judge_link(actor=world.trainee, link=link_for(evidence, criterion), accepted=True)
    decision = mark_criterion_met(actor=world.trainee, registration=registration, criterion=criterion)
    return link_for(evidence, criterion), decision


def test_countersignatory_with_a_declared_interest_cannot_countersign(world, trainee_work):
    link, decision = trainee_work
    _declare(world, world.assessor, world.trainee_registration.learner)
    with pytest.raises(NotAllowed, match="so you may not countersign decisions on their work"):
        countersign_link(actor=world.assessor, link=link, confirm=True)
    with pytest.raises(NotAllowed, match="personal interest"):
        countersign_decision(actor=world.assessor, decision=decision, confirm=True)


def test_countersignatory_without_an_interest_countersigns(world, trainee_work):
    link, decision = trainee_work
    countersign_link(actor=world.assessor, link=link, confirm=True)
    confirmed = countersign_decision(actor=world.assessor, decision=decision, confirm=True)
    assert confirmed.countersigned_by == world.assessor


def test_nobody_countersigns_their_own_decision():
    assert conflicts.own_decision_conflict(7, 7) is not None
    assert conflicts.own_decision_conflict(7, 8) is None


# --- Signing the tracking sheet, in every role ----------------------------------------------------------------


@pytest.fixture
def completed(world):
    unit = units_of(world.registration)[0]
    complete_unit(world.registration, unit)
    return unit


def _sign(world, unit, user, role, registration=None):
    return sign_unit(registration=registration or world.registration, unit=unit, user=user, role=role)


def test_assessor_with_a_declared_interest_cannot_sign_the_sheet(world, completed):
    _sign(world, completed, world.learner, SignatureRole.LEARNER)
    _declare(world, world.assessor, world.learner)
    with pytest.raises(NotAllowed, match="so you may not sign their tracking sheets"):
        _sign(world, completed, world.assessor, SignatureRole.ASSESSOR)
    PersonalInterest.objects.all().delete()
    assert _sign(world, completed, world.assessor, SignatureRole.ASSESSOR).user == world.assessor


def test_countersignatory_with_a_declared_interest_cannot_countersign_the_sheet(world):
    registration = world.trainee_registration
    unit = units_of(registration)[0]
    complete_unit(registration, unit)
    sign_off(registration, unit)
    _declare(world, world.assessor, registration.learner)
    with pytest.raises(NotAllowed, match="personal interest"):
        _sign(world, unit, world.assessor, SignatureRole.COUNTERSIGNER, registration=registration)
    PersonalInterest.objects.all().delete()
    assert _sign(world, unit, world.assessor, SignatureRole.COUNTERSIGNER, registration=registration)


def test_iqa_with_an_interest_at_another_centre_still_signs_here(world, completed):
    sign_off(world.registration, completed)
    make_staff(world.other_centre, Role.IQA, user=world.iqa)
    _declare(world, world.iqa, world.learner, centre=world.other_centre)
    assert _sign(world, completed, world.iqa, SignatureRole.IQA).user == world.iqa


def test_eqa_with_a_declared_interest_cannot_sign_eqs(world, completed):
    sign_off(world.registration, completed)
    _sign(world, completed, world.iqa, SignatureRole.IQA)
    today = dt.date.today()
    share = EqaShare.objects.create(
        centre=world.centre,
        eqa=world.eqa,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
        created_by=world.admin,
    )
    EqaShareItem.objects.create(share=share, registration=world.registration, unit=completed)
    _declare(world, world.eqa, world.learner)
    with pytest.raises(NotAllowed, match="so you may not sign their tracking sheets as EQS"):
        _sign(world, completed, world.eqa, SignatureRole.EQA)
    PersonalInterest.objects.all().delete()
    assert _sign(world, completed, world.eqa, SignatureRole.EQA).user == world.eqa


# --- IQA independence: the tutor ------------------------------------------------------------------------------


def test_the_learners_tutor_cannot_sample_their_work_or_sign_as_iqa(world, completed):
    tutor_iqa = make_staff(world.centre, Role.IQA)
    change_tutor(actor=world.admin, registration=world.registration, tutor=tutor_iqa)
    world.registration.refresh_from_db()
    plan = make_plan(world, iqa=tutor_iqa)
    with pytest.raises(NotAllowed, match="You are this learner's tutor"):
        check_may_sample_learner(iqa=tutor_iqa, plan=plan, registration=world.registration)
    sign_off(world.registration, completed)
    with pytest.raises(SignOffError, match="You are this learner's tutor"):
        _sign(world, completed, tutor_iqa, SignatureRole.IQA)
    # Another IQA, who takes no part in delivery, may.
    check_may_sample_learner(iqa=world.iqa, plan=make_plan(world), registration=world.registration)
    assert _sign(world, completed, world.iqa, SignatureRole.IQA).user == world.iqa


def test_centre_admin_names_a_tutor_and_the_history_records_it(world):
    tutor = make_staff(world.centre, Role.ASSESSOR)
    change_tutor(actor=world.admin, registration=world.registration, tutor=tutor, reason="Runs the Tuesday group")
    world.registration.refresh_from_db()
    assert world.registration.tutor == tutor
    event = Event.objects.get(action="registration.tutor_changed", registration_id=world.registration.pk)
    assert event.actor == world.admin and event.data["tutor"] == tutor.email
    assert "Runs the Tuesday group" in event.summary


def test_the_tutor_is_never_the_learners_iqa(world):
    with pytest.raises(RegistrationError, match="must not be the learner's tutor"):
        change_tutor(actor=world.admin, registration=world.registration, tutor=world.iqa)
    tutor_iqa = make_staff(world.centre, Role.IQA)
    change_tutor(actor=world.admin, registration=world.registration, tutor=tutor_iqa)
    with pytest.raises(RegistrationError, match="must not be the learner's tutor"):
        change_iqa(actor=world.admin, registration=world.registration, iqa=tutor_iqa)
    assert not Event.objects.filter(action="registration.iqa_changed").exists()


def test_only_the_centre_admin_names_a_tutor_and_only_staff_of_the_centre(world):
    with pytest.raises(NotAllowed):
        change_tutor(actor=world.assessor, registration=world.registration, tutor=world.other_assessor)
    with pytest.raises(RegistrationError, match="does not work at"):
        change_tutor(actor=world.admin, registration=world.registration, tutor=world.other_centre_assessor)
    _declare(world, world.other_assessor, world.learner)
    with pytest.raises(RegistrationError, match="declared a personal interest"):
        change_tutor(actor=world.admin, registration=world.registration, tutor=world.other_assessor)
    world.registration.refresh_from_db()
    assert world.registration.tutor is None


# --- The page-wide form of the rule agrees with the one-learner form ------------------------------------------


def test_plan_pages_apply_the_same_iqa_rule_from_loaded_facts(world):
    registration = world.registration
    assert conflicts.iqa_may_sample(world.iqa.pk, registration, interests=set(), makers=set())
    assert not conflicts.iqa_may_sample(world.iqa.pk, registration, interests={world.learner.pk}, makers=set())
    assert not conflicts.iqa_may_sample(world.iqa.pk, registration, interests=set(), makers={world.iqa.pk})
    assert not conflicts.iqa_may_sample(world.assessor.pk, registration, interests=set(), makers=set())
    registration.tutor = world.other_assessor
    assert not conflicts.iqa_may_sample(world.other_assessor.pk, registration, interests=set(), makers=set())


# --- Through the pages ------------------------------------------------------------------------------------------


def test_judging_page_says_why_an_assessor_with_an_interest_cannot_judge_and_refuses_with_403(world, client):
    criterion = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[criterion])
    _declare(world, world.assessor, world.learner)
    client.force_login(world.assessor)
    url = reverse("portfolio:evidence-judge", args=[evidence.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "You have declared a personal interest in this learner" in html
    assert f'name="decision-{link_for(evidence, criterion).pk}"' not in html
    response = client.post(url, {f"decision-{link_for(evidence, criterion).pk}": "accept", "confirm_vacs": "on"})
    assert response.status_code == 403
    assert link_for(evidence, criterion).status == EvidenceLink.Status.PENDING


def test_judging_page_offers_the_judgement_without_an_interest(world, client):
    criterion = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[criterion])
    client.force_login(world.assessor)
    html = client.get(reverse("portfolio:evidence-judge", args=[evidence.pk])).content.decode()
    assert "personal interest" not in html
    assert f'name="decision-{link_for(evidence, criterion).pk}"' in html


def test_centre_admin_names_the_tutor_on_the_registration_page(world, client):
    tutor = make_staff(world.centre, Role.ASSESSOR)
    client.force_login(world.admin)
    url = reverse("portfolio:registration-change-tutor", args=[world.registration.pk])
    response = client.post(url, {"tutor": tutor.pk, "reason": "Teaches the group"})
    assert response.status_code == 302
    detail = client.get(reverse("portfolio:registration-detail", args=[world.registration.pk])).content.decode()
    assert str(tutor) in detail
    # The IQA cannot be named: the form says why and nothing changes.
    response = client.post(url, {"tutor": world.iqa.pk})
    assert response.status_code == 200
    assert "must not be the learner&#x27;s tutor" in response.content.decode()
    world.registration.refresh_from_db()
    assert world.registration.tutor == tutor


def test_iqa_with_a_declared_interest_cannot_check_an_rpl_decision(world):
    from portfolio.models import RplClaim
    from portfolio.services.rpl import check_rpl, claim_rpl, decide_rpl

    criteria = criteria_of(UNIT_A, 2)
    claim = claim_rpl(
        actor=world.assessor,
        registration=world.registration,
        title="Level 2 Certificate in Customer Service (2019)",
        date=dt.date.today(),
        prior_learning="Certificate seen, number 55012, awarded June 2019.",
        criteria=[c.pk for c in criteria],
    )
    decide_rpl(actor=world.assessor, claim=claim, accepted=[c.pk for c in criteria], note="Seen.")
    _declare(world, world.iqa, world.learner)
    with pytest.raises(NotAllowed, match="so you may not check an RPL decision on their work"):
        check_rpl(actor=world.iqa, claim=claim, outcome=RplClaim.Check.AGREE, note="")
    PersonalInterest.objects.all().delete()
    assert check_rpl(actor=world.iqa, claim=claim, outcome=RplClaim.Check.AGREE, note="").iqa_checked_by == world.iqa
