import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

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
