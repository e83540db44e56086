"""A learner's latest feedback on their home page: the newest judgements with feedback on their current evidence,
each naming the evidence, the unit and criterion, who judged it and when, in one query (the criteria come from the
catalogue held in memory)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.models import CountersignStatus, EvidenceLink
from portfolio.selectors import latest_feedback
from portfolio.services.judgement import LinkJudgement, judge_evidence
from qualifications.cache import checking_catalogue_version, remember_version_for_request, stored_version
from tests.factories import client_for

from .helpers import UNIT_A, criteria_of, link_for, make_evidence

pytestmark = pytest.mark.django_db


def _judged(world, feedback: list[str]):
    """A piece linked to as many criteria as notes given: rejected with the note where there is one, accepted
    without feedback where it is empty."""
    criteria = criteria_of(UNIT_A, len(feedback))
    evidence = make_evidence(world.registration, criteria=criteria)
    judge_evidence(
        actor=world.assessor,
        evidence=evidence,
        judgements=[
            LinkJudgement(link_for(evidence, criterion).pk, accepted=not note, feedback=note)
            for criterion, note in zip(criteria, feedback, strict=True)
        ],
    )
    return evidence, criteria


def test_the_learners_home_shows_the_latest_feedback_with_its_evidence_criterion_and_judge(world):
    evidence, criteria = _judged(world, ["Say what the customer <asked> for.", ""])
    page = client_for(world.learner).get(reverse("home")).content.decode()
    assert "Latest feedback" in page
    assert f"Evidence {evidence.reference}</a>, {UNIT_A} " in page
    assert f'<span class="criterion-code">{criteria[0].code}</span>' in page
    assert f"Rejected by {world.assessor.full_name} on" in page or f"rejected by {world.assessor.full_name} on" in page
    assert "“Say what the customer &lt;asked&gt; for.”" in page


def test_latest_feedback_reads_one_query_and_gives_criteria_with_their_units_from_the_catalogue(world):
    _judged(world, ["First", "Second", ""])
    with checking_catalogue_version():  # as in a request: the catalogue's version read once, with the session
        remember_version_for_request(stored_version())
        with CaptureQueriesContext(connection) as queries:
            links = latest_feedback([world.registration])
            described = [(link.criterion.unit.reference, link.criterion.code, link.feedback) for link in links]
    assert len(queries) == 1
    criteria = criteria_of(UNIT_A, 2)
    assert sorted(described) == sorted(
        (UNIT_A, criterion.code, text) for criterion, text in zip(criteria, ("First", "Second"), strict=True)
    )


def test_feedback_overturned_by_a_countersignatory_or_on_an_older_version_is_left_out(world):
    evidence, _ = _judged(world, ["Overturned later", "Still stands"])
    overturned = EvidenceLink.objects.get(evidence=evidence, feedback="Overturned later")
    overturned.countersign_status = CountersignStatus.OVERTURNED
    overturned.judged_at = overturned.judged_at + dt.timedelta(minutes=1)
    overturned.save(update_fields=["countersign_status", "judged_at"])
    assert [link.feedback for link in latest_feedback([world.registration])] == ["Still stands"]
