"""The learner list's rows, written in one pass: a page of 25 learners, each row some forty variables and phrases,
took about a fifth of the page's CPU in a template loop. Escaped as the template escaped them (core.markup)."""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from core.markup import day_formatter, html_of, html_rows, our_words
from core.templatetags.components import progress_bar
from core.templatetags.urls import reverse_numeric
from portfolio.progress import Progress

register = template.Library()

_ROW = (
    '<tr><td><a href="{}">{}</a><br><span class="small text-body-secondary">{}{}</span>{}</td>'
    '<td data-label="{}"><span class="small">{}</span><br>{}{}</td>'
    '<td data-label="{}">{}</td>'
    '<td data-label="{}">{}</td>'
    '<td data-label="{}" class="text-nowrap">{}</td>'
    '<td data-label="{}" class="text-nowrap">{}</td>'
    '<td data-label="{}" class="min-w-8">{} {}{}</td>'
    '<td data-label="{}"><span class="badge {}">{}</span></td></tr>'
)
_NO_PROGRESS = Progress(met=0, required=0, awaiting_review=0)


def _badge_class(schedule) -> str:
    if schedule.needs_attention:
        return "text-bg-warning"
    return "text-bg-success" if schedule.key == "on_track" else "text-bg-secondary"


def _columns() -> tuple:
    """The column names after the first (data-label: each cell's heading when a phone stacks the table)."""
    return tuple(
        our_words(name)
        for name in (
            gettext("Qualification"),
            gettext("Assessor"),
            gettext("IQA"),
            gettext("Start"),
            gettext("Planned end"),
            gettext("Progress"),
            gettext("Schedule"),
        )
    )


def _row(row: dict, several_centres: bool, criteria_met: SafeString, day, columns: tuple) -> tuple:
    registration, schedule = row["registration"], row["schedule"]
    progress = row["progress"] or _NO_PROGRESS
    learner = registration.learner
    awaiting = ""
    if progress.awaiting_review:
        awaiting = html_of(
            '<span class="small">{}</span>',
            our_words(gettext("%(awaiting_review)s awaiting review"), awaiting_review=progress.awaiting_review),
        )
    qualification, assessor, iqa, start, planned_end, progress_label, schedule_label = columns
    return (
        reverse_numeric("portfolio:registration-detail", registration.pk),
        learner.full_name or learner.email,
        learner.email,
        html_of(" · ULN {}", registration.uln) if registration.uln else "",
        html_of('<br><span class="small">{}</span>', registration.centre) if several_centres else "",
        qualification,
        registration.qualification.number,
        registration.qualification.title,
        html_of(
            '<br><span class="small">{}</span>',
            our_words(gettext("Pathway: %(pathway)s"), pathway=registration.pathway),
        )
        if registration.pathway_id
        else "",
        assessor,
        registration.assessor,
        iqa,
        registration.iqa,
        start,
        day(registration.start_date),
        planned_end,
        day(registration.planned_end_date),
        progress_label,
        our_words(gettext("%(met)s of %(required)s criteria"), met=progress.met, required=progress.required),
        progress_bar(progress.percent, criteria_met, small=True, brand=True),
        awaiting,
        schedule_label,
        _badge_class(schedule),
        schedule.label,
    )


@register.simple_tag
def learner_rows(rows: list[dict], several_centres: bool) -> SafeString:
    """The table's rows: each learner (with their centre, where the reader works at several), qualification,
    assessor, IQA, dates, progress and schedule."""
    criteria_met = our_words(gettext("Criteria met"))
    day = day_formatter("j M Y")
    columns = _columns()
    return html_rows(_ROW, (_row(row, several_centres, criteria_met, day, columns) for row in rows))
