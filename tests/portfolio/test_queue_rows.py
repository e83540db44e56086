"""The assessment queue's rows, as portfolio/templatetags/queue_tags.py writes them in one pass: every cell, the
centre's date, later versions, escaping and the reader's language."""

import datetime as dt
import re
from types import SimpleNamespace

from django.urls import reverse
from django.utils import translation

from portfolio.progress import Progress
from portfolio.templatetags.queue_tags import learner_progress_rows, waiting_evidence_rows


def _piece(learner: str = "Lena Learner", **fields) -> SimpleNamespace:
    registration = SimpleNamespace(
        pk=7, learner=SimpleNamespace(full_name=learner), qualification=SimpleNamespace(title="Customer Service")
    )
    piece = {
        "pk": 41,
        "registration": registration,
        "submitted_at": dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC),
        "reference": 12,
        "version": 1,
        "title": "Handling a complaint",
        "method_codes": "Obs, Q",
        "links_pending": 3,
    }
    return SimpleNamespace(**{**piece, **fields})


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html)


def test_a_piece_shows_when_whose_which_methods_how_many_criteria_and_the_way_to_judge_it():
    submitted, learner, evidence, methods, awaiting, action = _cells(str(waiting_evidence_rows([_piece()])))
    assert submitted == "01/03/2026"
    assert learner == 'Lena Learner<div class="small text-body-secondary">Customer Service</div>'
    assert evidence == "12. Handling a complaint"
    assert (methods, awaiting) == ("Obs, Q", "3")
    judge = reverse("portfolio:evidence-judge", args=[41])
    assert action == (
        f'<a class="btn btn-sm btn-primary" href="{judge}">Judge<span class="visually-hidden"> evidence 12 of Lena '
        "Learner</span></a>"
    )


def test_a_later_version_is_numbered_and_the_date_is_the_centres():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (British Summer Time), where the centre works.
    late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    submitted, _, evidence, *_ = _cells(str(waiting_evidence_rows([_piece(version=3, submitted_at=late)])))
    assert evidence == "12 v3. Handling a complaint"
    assert submitted == "01/07/2026"


def test_what_people_typed_is_escaped():
    html = str(waiting_evidence_rows([_piece(title="<b>bold</b> & co", learner='Ann "<i>"')]))
    assert "<b>" not in html and "<i>" not in html
    assert "12. &lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    assert "evidence 12 of Ann &quot;&lt;i&gt;&quot;</span>" in html


def test_the_queue_is_in_the_readers_language():
    with translation.override("cy"):
        html = str(waiting_evidence_rows([_piece()]))
        judge = translation.gettext("Judge")
    assert judge != "Judge" and f">{judge}<span" in html


def test_each_learner_of_the_caseload_shows_their_portfolio_progress_and_work_awaiting_review():
    registration = SimpleNamespace(
        pk=7, learner=SimpleNamespace(full_name="Lena <Learner>"), qualification=SimpleNamespace(title="Diploma")
    )
    html = str(learner_progress_rows([(registration, Progress(met=1500, required=2000, awaiting_review=4))]))
    learner, qualification, met, awaiting = _cells(html)
    url = reverse("portfolio:registration-portfolio", args=[7])
    assert learner == f'<a href="{url}">Lena &lt;Learner&gt;</a>'
    assert qualification == "Diploma"
    assert 'value="75" aria-label="75% met"' in met and '<span class="text-nowrap">1500 / 2000</span>' in met
    assert awaiting == "4"


def test_each_cell_is_named_by_its_column_in_the_readers_language_for_a_phones_stacked_table():
    registration = SimpleNamespace(
        pk=7, learner=SimpleNamespace(full_name="Lena"), qualification=SimpleNamespace(title="Diploma")
    )
    for language in ("en-gb", "cy"):
        with translation.override(language):
            pieces = str(waiting_evidence_rows([_piece()]))
            caseload = str(learner_progress_rows([(registration, Progress(met=1, required=2, awaiting_review=0))]))
            piece_columns = [translation.gettext(name) for name in ("Submitted", "Learner", "Evidence", "Methods")]
            piece_columns.append(translation.gettext("Criteria awaiting"))
            caseload_columns = [
                translation.gettext(name) for name in ("Learner", "Qualification", "Criteria met", "Awaiting review")
            ]
        assert re.findall(r'<td data-label="([^"]*)"', pieces) == piece_columns
        assert re.findall(r'<td data-label="([^"]*)"', caseload) == caseload_columns
    assert piece_columns[0] != "Submitted" and caseload_columns[1] != "Qualification"  # the Welsh ones
