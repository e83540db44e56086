"""The evidence page's "Criteria and judgements" rows, written in one pass: a piece is often linked to thirty
criteria or more, and each row's twenty variables and phrases in a template loop took about a quarter of the page's
CPU. Escaped as the template escaped them (core.markup)."""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from core.markup import day_formatter, html_of, html_rows, lines_br, our_words
from portfolio.models import CountersignStatus, Evidence
from portfolio.selectors import LinkRow
from qualifications.templatetags.catalogue import criterion_code, criterion_guidance, wording_for

from .portfolio_tags import link_class

register = template.Library()

_ROW = (
    '<tr><td><span class="criterion-code">{}</span> {} {} {}</td>'
    '<td data-label="{}">{}{}{}{}</td>'
    '<td data-label="{}" class="small">{}</td>'
    '<td data-label="{}" class="small">{}</td></tr>'
)


class _Words:
    """What every row may say, translated once a page."""

    def __init__(self):
        self.judgement = our_words(gettext("Judgement"))
        self.feedback = our_words(gettext("Feedback"))
        self.met = our_words(gettext("Criterion met?"))
        self.not_submitted = html_of(
            '<span class="badge text-bg-light border">{}</span>', our_words(gettext("Not submitted"))
        )
        self.awaiting_countersignature = html_of(
            '<div class="small text-info-emphasis">{}</div>', our_words(gettext("Awaiting countersignature"))
        )
        self.not_yet = our_words(gettext("Not yet"))
        self.met_on = gettext("Met %(when)s")  # filled in for each row
        self.met_on_awaiting = gettext("Met %(when)s, awaiting countersignature")
        self.day = day_formatter("SHORT_DATE_FORMAT")


def _judgement(row: LinkRow, evidence: Evidence, words: _Words) -> tuple:
    """The judgement cell's parts: the link's state, awaiting countersignature or overturned, and who judged when."""
    link = row.link
    if evidence.status == Evidence.Status.DRAFT:
        state = words.not_submitted
    else:
        state = html_of('<span class="badge {}">{}</span>', link_class(link.status), link.status_label)
    awaiting = words.awaiting_countersignature if link.countersign_status == CountersignStatus.AWAITING else ""
    overturned = ""
    if link.countersign_status == CountersignStatus.OVERTURNED:
        overturned = html_of(
            '<div class="small">{}</div>',
            our_words(
                gettext("Earlier judgement overturned by %(who)s: %(note)s"),
                who=link.countersigned_by.full_name if link.countersigned_by_id is not None else "",
                note=link.countersign_note,
            ),
        )
    judged = ""
    if link.judged_by_id is not None:
        judged = html_of(
            '<div class="small text-body-secondary">{}, {}</div>', link.judged_by.full_name, words.day(link.judged_at)
        )
    return state, awaiting, overturned, judged


def _met(row: LinkRow, words: _Words) -> SafeString:
    decision = row.decision
    if decision is None or not decision.is_met:
        return words.not_yet
    when = words.day(decision.met_on)
    if decision.is_final:
        return html_of('<span class="status-met">{}</span>', our_words(words.met_on, when=when))
    return our_words(words.met_on_awaiting, when=when)


@register.simple_tag
def criterion_judgement_rows(rows: list[LinkRow], evidence: Evidence, pathway_id, guidance_labels) -> SafeString:
    """A row per criterion the evidence is linked to: the criterion (its unit, code, wording for the learner's
    pathway and guidance), the assessor's judgement, their feedback and whether the criterion is met."""
    words = _Words()
    return html_rows(
        _ROW,
        (
            (
                row.link.criterion.unit.reference,
                criterion_code(row.link.criterion),
                wording_for(row.link.criterion, pathway_id),
                criterion_guidance(row.link.criterion, guidance_labels),
                words.judgement,
                *_judgement(row, evidence, words),
                words.feedback,
                lines_br(row.link.feedback),
                words.met,
                _met(row, words),
            )
            for row in rows
        ),
    )
