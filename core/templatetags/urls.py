"""Django's `{% url %}` tag (installed as a template builtin in settings.TEMPLATES), answering a URL whose arguments
are all whole numbers from its pieces, reversed once per process: a table that links each row (an evidence page
per piece, a portfolio per learner) otherwise pays for a full `reverse()` per row. Anything else (keyword
arguments, text, a pattern whose numbers are not written as plain digits) is Django's own tag."""

from __future__ import annotations

from django.template import Library, defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = Library()

# (view name, number of arguments, current app, URLconf, script prefix, language) -> the URL's text around each
# argument, or None where the pattern cannot be answered so. Built from the URLconf alone (code, not data).
_pieces: dict[tuple, tuple[str, ...] | None] = {}
_SENTINEL = 7_300_000_001  # ten digits: no id on a real page is that large, and no two sentinels overlap


def _join(pieces: tuple[str, ...], args) -> str:
    parts = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        parts.append(str(arg))
        parts.append(piece)
    return "".join(parts)


def _pieces_of(view_name: str, count: int, current_app) -> tuple[str, ...] | None:
    """The URL's text around each of `count` numeric arguments, checked against `reverse()` for a second set of
    numbers; None when the pattern does not write its arguments as their plain digits, in order."""
    sentinels = [str(_SENTINEL + index) for index in range(count)]
    try:
        rest = reverse(view_name, args=sentinels, current_app=current_app)
        pieces = []
        for sentinel in sentinels:
            if rest.count(sentinel) != 1:
                return None
            before, rest = rest.split(sentinel)
            pieces.append(before)
        pieces.append(rest)
        small = [index + 1 for index in range(count)]
        if _join(tuple(pieces), small) != reverse(view_name, args=small, current_app=current_app):
            return None
    except NoReverseMatch:
        return None
    return tuple(pieces)


def numeric_url(view_name, args: list, current_app=None) -> str | None:
    """`reverse(view_name, args=args)` from the cached pieces when every argument is a whole number (not a bool,
    not negative), or there are none (the layout's links); None when it cannot be answered so (the caller then
    reverses as usual)."""
    if not all(type(arg) is int and arg >= 0 for arg in args):
        return None
    key = (view_name, len(args), current_app, get_urlconf(), get_script_prefix(), get_language())
    try:
        pieces = _pieces[key]
    except KeyError:
        pieces = _pieces[key] = _pieces_of(view_name, len(args), current_app)
    return None if pieces is None else _join(pieces, args)


class NumericURLNode(defaulttags.URLNode):
    def render(self, context):
        if self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = numeric_url(view_name, args, current_app)
        if url is None:
            try:
                url = reverse(view_name, args=args, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return NumericURLNode(node.view_name, node.args, node.kwargs, node.asvar)


def reverse_numeric(view_name: str, *args: int) -> str:
    """`reverse(view_name, args=args)` for Python that writes many links (a table's rows): from the cached pieces
    where every argument is a whole number, else Django's reverse()."""
    url = numeric_url(view_name, list(args))
    return reverse(view_name, args=args) if url is None else url
