"""Design-system fragments drawn by a tag where a table repeats them on every row (an include per row costs a
template render each). The markup lives here once; templates/components/ keeps an include for single uses."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat

from core.markup import html_of

register = template.Library()


@register.simple_tag
def progress_bar(percent, label, *, small=False, brand=False, show_text=False):
    """A progress bar drawn in SVG (sized by attributes, so the Content-Security-Policy needs no inline style):
    percent (0-100), label (what is measured); small: a thin bar; brand: blue instead of green; show_text: "N%"
    beside the bar for sighted users (the text alternative is always there)."""
    value = floatformat(percent, "0u")
    return html_of(
        '<div class="d-flex align-items-center gap-2 progress-line"><svg class="progress-svg{}" viewBox="0 0 100 10"'
        ' preserveAspectRatio="none" role="progressbar" aria-label="{}" aria-valuemin="0" aria-valuemax="100"'
        ' aria-valuenow="{}" aria-valuetext="{}%" focusable="false"><rect class="progress-track" width="100"'
        ' height="10"/><rect class="progress-value{}" width="{}" height="10"/></svg>{}</div>',
        " progress-svg-sm" if small else "",
        label,
        value,
        value,
        " progress-value-brand" if brand else "",
        value,
        html_of('<span class="small fw-semibold text-nowrap" aria-hidden="true">{}%</span>', value)
        if show_text
        else "",
    )
