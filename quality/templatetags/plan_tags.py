"""The sampling plan page's learner table, written in one pass: an IQA's plan lists every learner (some two hundred
at a busy centre), and a template loop costs about 5 us a variable, some 16 of them a row."""

from django import template

from core.markup import html_of, html_rows
from quality.models import SampleKind
from quality.services.coverage.rows import LearnerRow

register = template.Library()

_SAMPLED = html_of(' class="{}"', "table-success")
_GAP = html_of(' class="{}"', "table-warning")


def _cell(row: LearnerRow, kind: str, gap_mark) -> tuple:
    """(class attribute, content) of one kind's cell: sampled (how many times), a gap (work to sample and none
    sampled yet) or nothing to sample."""
    if sampled := row.sampled[kind]:
        return _SAMPLED, html_of("✓ {}", sampled)
    if row.possible[kind]:
        return _GAP, gap_mark
    return "", "–"


@register.simple_tag
def learner_coverage_rows(rows: list[LearnerRow], gap: str):
    """The "Learners × interim and summative" table's rows, escaped as a template escapes them."""
    gap_mark = html_of("<strong>{}</strong>", gap)
    return html_rows(
        '<tr><th scope="row" class="fw-normal">{}</th><td>{}</td><td{}>{}</td><td{}>{}</td></tr>',
        (
            (
                row.registration.learner,
                row.registration.assessor,
                *_cell(row, SampleKind.INTERIM, gap_mark),
                *_cell(row, SampleKind.SUMMATIVE, gap_mark),
            )
            for row in rows
        ),
    )
