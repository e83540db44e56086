"""A notification is written in its recipient's language, not in the language of whoever caused it."""

from django.utils import translation

from notifications.models import Notification
from portfolio.services.evidence import submit_evidence
from portfolio.services.judgement import LinkJudgement, judge_evidence
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
