"""The tracking sheet's criterion rows, as tracking/templatetags/sheet_tags.py writes them in one pass: every
state a row can show, escaped as a template escapes, in the reader's language."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from portfolio.models import EvidenceLink
from portfolio.progress import CriterionStatus, OriginalDecision
from tracking.sheets import build_sheet
from tracking.templatetags.sheet_tags import criterion_rows

from .helpers import add_evidence

pytestmark = pytest.mark.django_db


def _rows(sheet) -> dict[str, str]:
    """Each row's HTML by its criterion's id attribute."""
    html = str(criterion_rows(sheet))
    return dict(re.findall(r'<tr class="[^"]*" id="(criterion-\d+)">(.*?)</tr>', html))


def _replace(sheet, index: int, **fields) -> CriterionStatus:
    """The sheet's index-th criterion shown with the given status fields instead of what the portfolio holds."""
    for outcome in sheet.status.outcomes:
        if index < len(outcome.criteria):
            old = outcome.criteria[index]
            outcome.criteria[index] = CriterionStatus(criterion=old.criterion, required=True, **fields)
            return outcome.criteria[index]
        index -= len(outcome.criteria)
    raise IndexError(index)


def _original(name: str, seq: int | None) -> OriginalDecision:
    return OriginalDecision(
        criterion_label="1.1", met_on=dt.date(2025, 3, 4), decided_by_name=name, decided_at=None, chain_seq=seq
    )


def test_each_outcome_is_a_tbody_whose_first_row_names_the_outcome(world, unit):
    sheet = build_sheet(world.registration, unit)
    html = str(criterion_rows(sheet))
    outcomes = sheet.status.outcomes
    assert html.count('<tbody class="outcome">') == len(outcomes)
    assert html.count("<tr ") == sum(len(outcome.criteria) for outcome in outcomes)
    first = outcomes[0]
    rows = _rows(sheet)
    assert f"{first.outcome.number}. {first.outcome.text}</td>" in rows[f"criterion-{first.criteria[0].criterion.pk}"]
    assert (
        '<td class="col-outcome" data-label="Learning Outcome"></td>'
        in rows[f"criterion-{first.criteria[1].criterion.pk}"]
    )


def test_a_row_gives_methods_references_as_links_and_marks_simulated_evidence(world, unit):
    criteria = list(unit.criteria.all())[:2]
    real = add_evidence(world.registration, criteria[:1], methods=("Obs", "Q"))
    simulated = add_evidence(world.registration, criteria, methods=("Obs", "Sim"))
    simulated.simulation_reason = "No real customer complaint arose"
    simulated.save(update_fields=["simulation_reason"])
    rows = _rows(build_sheet(world.registration, unit))

    first = rows[f"criterion-{criteria[0].pk}"]
    assert '<td class="col-methods" data-label="Evidence Type">Obs, Q, Sim</td>' in first
    real_url = reverse("portfolio:evidence-detail", args=[real.pk])
    simulated_url = reverse("portfolio:evidence-detail", args=[simulated.pk])
    assert (
        f'<a href="{real_url}" aria-label="Evidence {real.reference}">{real.reference}</a>, '
        f'<a href="{simulated_url}" aria-label="Evidence {simulated.reference}, simulated">{simulated.reference}</a>'
        '<span class="simulated" aria-hidden="true">*</span></td>'
    ) in first
    assert '<span class="state small status-pending">Evidence accepted, not yet marked met</span>' in first


def test_a_row_without_evidence_or_awaiting_review_says_so(world, unit):
    criteria = list(unit.criteria.all())
    add_evidence(world.registration, criteria[:1], status=EvidenceLink.Status.PENDING)
    rows = _rows(build_sheet(world.registration, unit))
    assert (
        '<span class="state small status-pending">Evidence awaiting review</span>'
        in rows[f"criterion-{criteria[0].pk}"]
    )
    assert '<span class="state small status-none">No evidence</span>' in rows[f"criterion-{criteria[1].pk}"]


def test_a_criterion_not_required_on_the_pathway_is_greyed_and_says_so(world, unit):
    sheet = build_sheet(world.registration, unit)
    status = _replace(sheet, 0)
    status.required = False
    html = str(criterion_rows(sheet))
    assert f'<tr class="criterion not-required text-body-secondary" id="criterion-{status.criterion.pk}">' in html
    assert '<span class="state">Not required on this pathway</span>' in _rows(sheet)[f"criterion-{status.criterion.pk}"]


def test_a_met_criterion_shows_its_date_and_an_imported_decision_who_decided_it(world, unit):
    sheet = build_sheet(world.registration, unit)
    decided = _replace(sheet, 0, decision=_original("Ann <b>Assessor</b>", 7))
    vouched = _replace(sheet, 1, decision=_original("", None))
    rows = _rows(sheet)
    assert (
        '<td class="col-date" data-label="Date met">04/03/2025<span class="original-decision small d-block '
        'text-body-secondary">Decided by Ann &lt;b&gt;Assessor&lt;/b&gt; (imported chain entry 7)</span></td>'
    ) in rows[f"criterion-{decided.criterion.pk}"]
    assert (
        '04/03/2025<span class="original-decision small d-block text-body-secondary">Met with the unit\'s '
        in rows[f"criterion-{vouched.criterion.pk}"]
    )


def test_what_the_learner_or_catalogue_says_is_escaped(world, unit):
    sheet = build_sheet(world.registration, unit)
    status = _replace(sheet, 0, wording='Handle <script>alert("x")</script> & complaints')
    row = _rows(sheet)[f"criterion-{status.criterion.pk}"]
    assert "Handle &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; complaints</td>" in row
    assert "<script>" not in row


def test_rows_are_in_the_readers_language(world, unit):
    sheet = build_sheet(world.registration, unit)
    decided = _replace(sheet, 0, decision=_original("Ann", 3))
    with translation.override("cy"):
        rows = _rows(sheet)
        date_met = translation.gettext("Date met")
    row = rows[f"criterion-{decided.criterion.pk}"]
    assert date_met != "Date met"
    assert f'data-label="{date_met}"' in row
    assert "Penderfynwyd gan Ann (cofnod 3 o’r gadwyn a fewnforiwyd)" in row
