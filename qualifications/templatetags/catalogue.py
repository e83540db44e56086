import re

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.markup import html_of
from qualifications import guidance as catalogue_guidance
from qualifications import models
from qualifications.cache import catalogue

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """The text, escaped, with each case-insensitive occurrence of the query wrapped in <mark>."""
    text = str(text or "")
    query = str(query or "")
    if not query:
        return conditional_escape(text)
    pieces = re.split(f"({re.escape(query)})", text, flags=re.IGNORECASE)
    out = []
    for index, piece in enumerate(pieces):
        out.append(html_of('<mark class="p-0">{}</mark>', piece) if index % 2 else conditional_escape(piece))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


@register.simple_tag
def criterion_code(criterion, query: str = "") -> SafeString:
    """A criterion's code, with the printed code beside it where we renumbered (only where printed codes
    collide): the one way every page shows a code. With a search query, the code's match is highlighted.
    Built here rather than from a template: a sheet shows one per criterion, and a template per code cost more
    than the rest of the row."""
    code = highlight(criterion.code, query) if query else conditional_escape(criterion.code)
    printed = (
        html_of(
            ' <span class="printed-code small text-body-secondary">{}</span>',
            gettext("(printed as %(printed_code)s)") % {"printed_code": criterion.printed_code},
        )
        if criterion.renumbered
        else ""
    )
    return html_of('<span class="criterion-code">{}</span>{}', code, printed)


@register.inclusion_tag("qualifications/_text_blocks.html")
def text_blocks(text: str, css_class: str = "") -> dict:
    """Catalogue text with its printed bulleted lists shown as lists."""
    return {"blocks": models.text_blocks(text), "css_class": css_class}


@register.filter
def wording_for(criterion, pathway_id) -> str:
    """The criterion's text as a learner on the pathway reads it (the wordings come from the catalogue held in
    memory: no query, whatever the number of criteria)."""
    return catalogue().wording(criterion.pk, pathway_id) or criterion.text


@register.simple_tag
def guidance(label: str, text: str, css_class: str = "") -> str:
    """One piece of a specification's guidance under its label, folded (<details>) when long; nothing without
    text (most criteria have none: a page of criteria then renders no template for them)."""
    if not text:
        return ""
    return render_to_string(
        "qualifications/_guidance.html",
        {"label": label, "text": text, "long": catalogue_guidance.is_long(text), "css_class": css_class},
    )


@register.simple_tag
def criterion_guidance(criterion, labels: catalogue_guidance.GuidanceLabels | None = None) -> SafeString:
    """A criterion's own guidance and amplification, beside the criterion."""
    labels = labels or catalogue_guidance.DEFAULT_LABELS
    return mark_safe(  # noqa: S308 - both parts are rendered templates (auto-escaped) or empty
        guidance(labels.criterion_guidance, criterion.guidance, "criterion-guidance")
        + guidance(labels.amplification, criterion.amplification, "criterion-amplification")
    )


@register.inclusion_tag("qualifications/_outcome_guidance.html")
def outcome_guidance(outcome, labels: catalogue_guidance.GuidanceLabels | None = None) -> dict:
    """The guidance printed for a whole learning outcome (key words, types of evidence): once, above its criteria."""
    return {"outcome": outcome, "labels": labels or catalogue_guidance.DEFAULT_LABELS}


@register.inclusion_tag("qualifications/_unit_guidance.html")
def unit_guidance(unit, labels: catalogue_guidance.GuidanceLabels | None = None) -> dict:
    """The guidance printed for a whole unit (amplification, assessment guidance, types of evidence): once, above
    its learning outcomes."""
    return {"unit": unit, "labels": labels or catalogue_guidance.DEFAULT_LABELS}
