"""A notification is written in its recipient's language, not in the language of whoever caused it; the audit
history stays English whatever the actor reads."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from apprenticeships.services.otj_log import OtjRefused, record_otj_entry
from centres.models import Event
from notifications.models import Notification
from portfolio.services.evidence import submit_evidence
from portfolio.services.judgement import LinkJudgement, judge_evidence
from tests.apprenticeships.helpers import make_apprenticeship
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence


def test_a_welsh_learner_is_told_in_welsh_of_an_english_assessors_judgement(world, welsh_learner):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), submit=True)
    judge_evidence(
        actor=world.assessor,
        evidence=evidence,
        judgements=[LinkJudgement(link_id=link.pk, accepted=True) for link in evidence.links.all()],
    )
    notification = Notification.objects.get(recipient=welsh_learner)
    assert notification.title == f"Barnodd eich aseswr dystiolaeth {evidence.reference}"


def test_an_english_assessor_is_told_in_english_of_a_welsh_learners_submission(world, welsh_learner):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), submit=False)
    with translation.override("cy"):  # the learner's own request is in Welsh
        submit_evidence(actor=welsh_learner, evidence=evidence, declaration=True)
    notification = Notification.objects.get(recipient=world.assessor)
    assert notification.title == f"Evidence {evidence.reference} was submitted for you to assess"


def test_a_welsh_learners_refused_training_is_told_in_welsh_and_recorded_in_english(world, welsh_learner):
    apprenticeship = make_apprenticeship(world)
    with translation.override("cy"), pytest.raises(OtjRefused) as refused:
        record_otj_entry(
            actor=welsh_learner,
            apprenticeship=apprenticeship,
            date=timezone.localdate() - dt.timedelta(days=2),
            hours=Decimal("3"),
            activity_type="progress_review",
            description="Review with my assessor",
            new_learning=True,
            relevant_to_standard=True,
            within_paid_hours=True,
        )
    assert str(refused.value) == "Nid yw adolygiadau cynnydd yn cyfrif fel hyfforddiant oddi ar y gwaith."
    event = Event.objects.get(action="apprenticeship.otj_refused")
    assert event.summary == "Progress reviews do not count as off-the-job training."
