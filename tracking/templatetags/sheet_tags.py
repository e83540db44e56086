"""The tracking sheet's criterion rows, written in one pass: a unit has up to some forty criteria, each row some
thirty variables and phrases, and in a template loop they took about a quarter of the page's CPU. Escaped as the
template escaped them (core.markup)."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.markup import day_formatter, html_of, html_rows, our_words
from portfolio.progress import CriterionState, OriginalDecision
from qualifications.templatetags.catalogue import criterion_code
from tracking.sheets import Sheet, SheetRow

register = template.Library()

_ROW = (
    '<tr class="criterion{}" id="criterion-{}">'
    '<td class="col-outcome" data-label="{}">{}</td>'
    '<td class="col-criterion" data-label="{}">{} {}</td>'
    '<td class="col-methods" data-label="{}">{}</td>'
    '<td class="col-references" data-label="{}">{}</td>'
    '<td class="col-date" data-label="{}">{}</td></tr>'
)


class _Labels:
    """The words every row repeats, translated once a sheet."""

    def __init__(self):
        self.outcome = our_words(gettext("Learning Outcome"))
        self.criterion = our_words(gettext("Assessment Criteria"))
        self.methods = our_words(gettext("Evidence Type"))
        self.references = our_words(gettext("Evidence Reference"))
        self.date = our_words(gettext("Date met"))
        self.simulated = our_words(gettext("simulated"))
        self.not_required = our_words(gettext("Not required on this pathway"))
        self.met_with_sign_off = our_words(gettext("Met with the unit's sign-off"))
        self.evidence_reference = gettext("Evidence %(reference)s")  # filled in for each reference
        self.day = day_formatter("SHORT_DATE_FORMAT")


def _references(row: SheetRow, labels: _Labels) -> SafeString:
    """Each portfolio reference, a link to its evidence; simulated evidence marked with an asterisk."""
    return mark_safe(
        ", ".join(
            html_of(
                '<a href="{}" aria-label="{}{}">{}</a>{}',
                url,
                our_words(labels.evidence_reference, reference=reference),
                mark_safe(f", {labels.simulated}") if simulated else "",
                reference,
                mark_safe('<span class="simulated" aria-hidden="true">*</span>') if simulated else "",
            )
            for reference, url, simulated in row.reference_links
        )
    )


def _date_met(row: SheetRow, labels: _Labels) -> SafeString:
    """The date the criterion was met (with who decided, where the decision was imported), or its state."""
    status = row.status
    if status.met:
        decision = status.decision
        original = ""
        if isinstance(decision, OriginalDecision):  # a decision made at another centre, imported
            if decision.decided_by_name:
                said = our_words(
                    gettext("Decided by %(name)s (imported chain entry %(seq)s)"),
                    name=decision.decided_by_name,
                    seq=decision.chain_seq,
                )
            else:
                said = labels.met_with_sign_off
            original = html_of('<span class="original-decision small d-block text-body-secondary">{}</span>', said)
        return html_of("{}{}", labels.day(status.met_on), original)
    if not status.required:
        return html_of('<span class="state">{}</span>', labels.not_required)
    state_class = "status-none" if status.state == CriterionState.NO_EVIDENCE else "status-pending"
    return html_of('<span class="state small {}">{}</span>', state_class, status.state_label)


@register.simple_tag
def criterion_rows(sheet: Sheet) -> SafeString:
    """The sheet's table body: one tbody per learning outcome, a row per criterion."""
    labels = _Labels()
    not_required = mark_safe(" not-required text-body-secondary")
    return html_rows(
        '<tbody class="outcome">{}</tbody>',
        (
            (
                html_rows(
                    _ROW,
                    (
                        (
                            "" if row.status.required else not_required,
                            row.criterion.pk,
                            labels.outcome,
                            html_of("{}. {}", row.outcome.number, row.outcome.text) if row.outcome else "",
                            labels.criterion,
                            criterion_code(row.criterion),
                            row.status.text,
                            labels.methods,
                            ", ".join(row.status.methods),
                            labels.references,
                            _references(row, labels),
                            labels.date,
                            _date_met(row, labels),
                        )
                        for row in group
                    ),
                ),
            )
            for group in sheet.outcome_groups
        ),
    )
