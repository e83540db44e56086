"""The evidence page's "Criteria and judgements" rows, as portfolio/templatetags/evidence_page_tags.py writes them in
one pass: each judgement and decision state, guidance, feedback, escaping and the reader's language."""

import datetime as dt
import re

import pytest
from django.utils import translation

from portfolio.models import CountersignStatus, CriterionDecision, Evidence, EvidenceLink
from portfolio.selectors import LinkRow
from portfolio.templatetags.evidence_page_tags import criterion_judgement_rows
from qualifications.guidance import DEFAULT_LABELS
from qualifications.models import AssessmentCriterion
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SUBMITTED = Evidence(status=Evidence.Status.SUBMITTED)


def _criterion(**having) -> AssessmentCriterion:
    return AssessmentCriterion.objects.select_related("unit").filter(**having).order_by("pk").first()


def _link(criterion, **fields) -> EvidenceLink:
    return EvidenceLink(criterion=criterion, status=fields.pop("status", EvidenceLink.Status.PENDING), **fields)


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)


def _decision(**fields) -> CriterionDecision:
    return CriterionDecision(met_on=dt.date(2026, 2, 3), is_met=True, **fields)


def test_a_row_names_the_criterion_its_judgement_feedback_and_decision():
    criterion = _criterion(guidance="")
    assessor = make_user(full_name="Asha Assessor")
    link = _link(
        criterion,
        status=EvidenceLink.Status.ACCEPTED,
        judged_by=assessor,
        judged_at=dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC),
        feedback="Clear account.\nWell done.",
    )
    decision = _decision(countersign_status=CountersignStatus.NOT_REQUIRED)
    html = str(criterion_judgement_rows([LinkRow(link, decision)], SUBMITTED, None, DEFAULT_LABELS))
    what, judgement, feedback, met = _cells(html)
    assert what == (
        f'<span class="criterion-code">{criterion.unit.reference}</span> <span class="criterion-code">'
        f"{criterion.code}</span> {criterion.text} "
    )
    assert judgement == (
        '<span class="badge status-badge status-badge-met">Accepted</span>'
        '<div class="small text-body-secondary">Asha Assessor, 02/02/2026</div>'
    )
    assert feedback == "Clear account.<br>Well done."
    assert met == '<span class="status-met">Met 03/02/2026</span>'


def test_draft_evidence_is_not_submitted_and_an_undecided_criterion_is_not_yet_met():
    html = str(
        criterion_judgement_rows(
            [LinkRow(_link(_criterion()), None)], Evidence(status=Evidence.Status.DRAFT), None, DEFAULT_LABELS
        )
    )
    _, judgement, feedback, met = _cells(html)
    assert judgement == '<span class="badge text-bg-light border">Not submitted</span>'
    assert (feedback, met) == ("", "Not yet")


def test_countersignature_awaited_or_overturned_is_said():
    countersigner = make_user(full_name="Cara <Countersigner>")
    awaiting = _link(_criterion(), status=EvidenceLink.Status.ACCEPTED, countersign_status=CountersignStatus.AWAITING)
    overturned = _link(
        _criterion(),
        status=EvidenceLink.Status.REJECTED,
        countersign_status=CountersignStatus.OVERTURNED,
        countersigned_by=countersigner,
        countersign_note="Not the learner's own words",
    )
    decision = _decision(countersign_status=CountersignStatus.AWAITING)
    html = str(
        criterion_judgement_rows(
            [LinkRow(awaiting, decision), LinkRow(overturned, None)], SUBMITTED, None, DEFAULT_LABELS
        )
    )
    cells = _cells(html)
    assert cells[1].endswith('<div class="small text-info-emphasis">Awaiting countersignature</div>')
    assert cells[3] == "Met 03/02/2026, awaiting countersignature"
    assert cells[5] == (
        '<span class="badge status-badge status-badge-danger">Rejected</span><div class="small">Earlier judgement '
        "overturned by Cara &lt;Countersigner&gt;: Not the learner&#x27;s own words</div>"
    )


def test_guidance_is_shown_beside_the_criterion_and_feedback_is_escaped():
    criterion = _criterion(guidance__gt="")
    link = _link(criterion, feedback="<script>alert(1)</script>\n& more")
    what, _, feedback, _ = _cells(str(criterion_judgement_rows([LinkRow(link, None)], SUBMITTED, None, DEFAULT_LABELS)))
    assert 'class="guidance small mb-1 criterion-guidance"' in what
    assert feedback == "&lt;script&gt;alert(1)&lt;/script&gt;<br>&amp; more"


def test_rows_are_in_the_readers_language():
    with translation.override("cy"):
        html = str(criterion_judgement_rows([LinkRow(_link(_criterion()), None)], SUBMITTED, None, DEFAULT_LABELS))
        not_yet, judgement = translation.gettext("Not yet"), translation.gettext("Judgement")
    assert not_yet != "Not yet"
    assert f'data-label="{judgement}"' in html and not_yet in html
