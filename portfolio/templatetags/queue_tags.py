"""The assessment queue's two tables, written in one pass: up to 200 pieces of evidence and every learner of the
caseload took about a quarter of the page's CPU in a template loop. Escaped as the template escaped them
(core.markup); whole numbers printed as they are, as `{% localize off %}` printed them."""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from core.markup import day_formatter, html_of, html_rows, our_words
from core.templatetags.urls import reverse_numeric

register = template.Library()

# Each cell's column name (data-label, the cell's heading when a phone stacks the table) first, then its content.
_EVIDENCE_ROW = (
    '<tr><td data-label="{}" class="text-nowrap">{}</td>'
    '<td data-label="{}">{}<div class="small text-body-secondary">{}</div></td>'
    '<td data-label="{}">{}{}. {}</td>'
    '<td data-label="{}">{}</td>'
    '<td data-label="{}">{}</td>'
    '<td><a class="btn btn-sm btn-primary" href="{}">{}<span class="visually-hidden"> {}</span></a></td></tr>'
)
_LEARNER_ROW = (
    '<tr><td data-label="{}"><a href="{}">{}</a></td>'
    '<td data-label="{}">{}</td>'
    '<td data-label="{}"><div class="d-flex align-items-center gap-2"><progress max="100" value="{}" '
    'aria-label="{}% met"></progress> <span class="text-nowrap">{} / {}</span></div></td>'
    '<td data-label="{}">{}</td></tr>'
)


@register.simple_tag
def waiting_evidence_rows(items) -> SafeString:
    """A row per piece of evidence awaiting review: when it was submitted (the centre's date), whose, which piece,
    its methods, how many criteria await a judgement, and the way to judge it."""
    judge = our_words(gettext("Judge"))
    submitted, learner_label, evidence, methods, awaiting = (
        our_words(gettext("Submitted")),
        our_words(gettext("Learner")),
        our_words(gettext("Evidence")),
        our_words(gettext("Methods")),
        our_words(gettext("Criteria awaiting")),
    )
    submitted_on = day_formatter("d/m/Y")

    def row(item) -> tuple:
        learner = item.registration.learner
        return (
            submitted,
            submitted_on(item.submitted_at),
            learner_label,
            learner.full_name,
            item.registration.qualification.title,
            evidence,
            item.reference,
            html_of(" v{}", item.version) if item.version > 1 else "",
            item.title,
            methods,
            item.method_codes,
            awaiting,
            item.links_pending,
            reverse_numeric("portfolio:evidence-judge", item.pk),
            judge,
            our_words(
                gettext("evidence %(reference)s of %(full_name)s"),
                reference=item.reference,
                full_name=learner.full_name,
            ),
        )

    return html_rows(_EVIDENCE_ROW, (row(item) for item in items))


@register.simple_tag
def learner_progress_rows(rows) -> SafeString:
    """A row per (registration, progress) of the caseload: the learner's portfolio, qualification, criteria met
    and evidence awaiting review."""
    learner, qualification, criteria_met, awaiting_review = (
        our_words(gettext("Learner")),
        our_words(gettext("Qualification")),
        our_words(gettext("Criteria met")),
        our_words(gettext("Awaiting review")),
    )
    return html_rows(
        _LEARNER_ROW,
        (
            (
                learner,
                reverse_numeric("portfolio:registration-portfolio", registration.pk),
                registration.learner.full_name,
                qualification,
                registration.qualification.title,
                criteria_met,
                progress.percent,
                progress.percent,
                progress.met,
                progress.required,
                awaiting_review,
                progress.awaiting_review,
            )
            for registration, progress in rows
        ),
    )
