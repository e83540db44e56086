"""The recorded events notify the right person, at the point the event is recorded (in the same transaction)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import kinds
from notifications.models import Notification
from portfolio.services.judgement import judge_link
from quality.models import Action, Outcome
from quality.reminders import remind_actions_due
from quality.services.eqa import eqa_comment
from tests.portfolio.helpers import UNIT_A, criteria_of, link_for, make_evidence
from tests.quality.helpers import make_plan, start_unit, take_sample, units_of
from tests.tracking.helpers import complete_unit, share_with_eqa
from tracking.services.signoff import sign_unit

pytestmark = pytest.mark.django_db


def _of(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_submitted_evidence_tells_the_assessor(world):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2), files=[])
    [notification] = _of(world.assessor, kinds.EVIDENCE_SUBMITTED)
    assert notification.url == reverse("portfolio:evidence-judge", args=[evidence.pk])
    assert notification.actor == world.learner
    assert world.learner.full_name not in notification.title  # no names: the title goes in the email
    assert not _of(world.other_assessor, kinds.EVIDENCE_SUBMITTED)


def test_a_judgement_tells_the_learner_once_per_evidence(world):
    criteria = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.registration, criteria=criteria, files=[])
    judge_link(actor=world.assessor, link=link_for(evidence, criteria[0]), accepted=True)
    judge_link(actor=world.assessor, link=link_for(evidence, criteria[1]), accepted=False, feedback="Add a date.")
    [notification] = _of(world.learner, kinds.EVIDENCE_JUDGED)
    assert notification.url == reverse("portfolio:evidence-detail", args=[evidence.pk])
    assert not _of(world.assessor, kinds.COUNTERSIGNATURE_NEEDED)  # a qualified assessor's decision is final


def test_a_trainees_judgement_tells_their_countersignatory(world):
    criteria = criteria_of(UNIT_A, 1)
    evidence = make_evidence(world.trainee_registration, criteria=criteria, files=[])
    judge_link(actor=world.trainee, link=link_for(evidence, criteria[0]), accepted=True)
    [notification] = _of(world.assessor, kinds.COUNTERSIGNATURE_NEEDED)
    assert notification.url == reverse("portfolio:countersign-queue")
    assert _of(world.trainee_registration.learner, kinds.EVIDENCE_JUDGED)


def test_the_learners_signature_tells_the_assessor_the_sheet_is_ready(world):
    unit = units_of(world.registration)[0]
    complete_unit(world.registration, unit)
    sign_unit(registration=world.registration, unit=unit, user=world.learner, role="learner")
    [notification] = _of(world.assessor, kinds.SHEET_READY_TO_SIGN)
    assert notification.url == reverse("tracking:sheet", args=[world.registration.pk, unit.pk])


def test_the_trainees_signature_tells_the_countersignatory(world):
    registration = world.trainee_registration
    unit = units_of(registration)[0]
    complete_unit(registration, unit, by=world.trainee)
    from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink

    CriterionDecision.objects.filter(registration=registration).update(countersign_status=CountersignStatus.CONFIRMED)
    EvidenceLink.objects.filter(evidence__registration=registration).update(
        countersign_status=CountersignStatus.CONFIRMED
    )
    sign_unit(registration=registration, unit=unit, user=registration.learner, role="learner")
    sign_unit(registration=registration, unit=unit, user=world.trainee, role="assessor")
    [notification] = _of(world.assessor, kinds.SHEET_READY_TO_SIGN)
    assert notification.url == reverse("tracking:sheet", args=[registration.pk, unit.pk])


def test_an_iqa_action_tells_the_assessor_when_raised_and_when_due(world):
    plan = make_plan(world)
    unit = units_of(world.registration)[0]
    start_unit(world.registration, unit)
    take_sample(plan, world.registration, unit, outcome=Outcome.AGREE_WITH_ACTIONS)
    [raised] = _of(world.assessor, kinds.IQA_ACTION)
    assert raised.url == reverse("quality:action-list") and raised.actor == world.iqa
    raised.read_at = timezone.now()
    raised.save()

    assert remind_actions_due() == 0  # due in a week, not today
    Action.objects.update(due_on=timezone.localdate())
    assert remind_actions_due() == 1
    assert len(_of(world.assessor, kinds.IQA_ACTION)) == 2


def test_an_eqa_comment_tells_the_learners_iqa(world):
    unit = units_of(world.registration)[0]
    share_with_eqa(world, world.registration, unit)
    eqa_comment(actor=world.eqa, registration=world.registration, unit=unit, text="Add the witness's job title.")
    [notification] = _of(world.iqa, kinds.EQA_COMMENT)
    assert notification.url == reverse("tracking:sheet", args=[world.registration.pk, unit.pk])
    assert "job title" not in notification.title  # the comment itself stays in the product
