import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

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
        out.append(format_html('<mark class="p-0">{}</mark>', piece) if index % 2 else conditional_escape(piece))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


@register.inclusion_tag("qualifications/_code.html")
def criterion_code(criterion, query: str = "") -> dict:
    """A criterion's code, with the printed code beside it where we renumbered (only where printed codes
    collide): the one way every page shows a code. With a search query, the code's match is highlighted."""
    return {"criterion": criterion, "query": query}


@register.inclusion_tag("qualifications/_text_blocks.html")
def text_blocks(text: str, css_class: str = "") -> dict:
    """Catalogue text with its printed bulleted lists shown as lists."""
    return {"blocks": models.text_blocks(text), "css_class": css_class}


@register.filter
def wording_for(criterion, pathway_id) -> str:
    """The criterion's text as a learner on the pathway reads it (the wordings come from the catalogue held in
    memory: no query, whatever the number of criteria)."""
    return catalogue().wording(criterion.pk, pathway_id) or criterion.text


@register.inclusion_tag("qualifications/_guidance.html")
def guidance(label: str, text: str, css_class: str = "") -> dict:
    """One piece of a specification's guidance under its label, folded (<details>) when long."""
    return {"label": label, "text": text, "long": catalogue_guidance.is_long(text), "css_class": css_class}


@register.inclusion_tag("qualifications/_criterion_guidance.html")
def criterion_guidance(criterion, labels: catalogue_guidance.GuidanceLabels | None = None) -> dict:
    """A criterion's own guidance and amplification, beside the criterion."""
    return {"criterion": criterion, "labels": labels or catalogue_guidance.DEFAULT_LABELS}


@register.inclusion_tag("qualifications/_outcome_guidance.html")
def outcome_guidance(outcome, labels: catalogue_guidance.GuidanceLabels | None = None) -> dict:
    """The guidance printed for a whole learning outcome (key words, types of evidence): once, above its criteria."""
    return {"outcome": outcome, "labels": labels or catalogue_guidance.DEFAULT_LABELS}


@register.inclusion_tag("qualifications/_unit_guidance.html")
def unit_guidance(unit, labels: catalogue_guidance.GuidanceLabels | None = None) -> dict:
    """The guidance printed for a whole unit (amplification, assessment guidance, types of evidence): once, above
    its learning outcomes."""
    return {"unit": unit, "labels": labels or catalogue_guidance.DEFAULT_LABELS}
