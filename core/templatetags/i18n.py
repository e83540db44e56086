"""Django's `i18n` template library, under its own name (settings.TEMPLATES "libraries"), with two tags answering
from what they worked out once rather than on every render; every other tag and filter is Django's own.

- `{% translate "fixed text" %}` keeps its text per language: Django makes a lazy translation of it and renders
  that on every call (some 15 us), and a table repeats its labels on every row.
- `{% blocktranslate %}` keeps the message id it writes from its own tokens (Django joins and trims them again
  on every render); the translation and the values are still looked up on each render.

The output is always what Django's tags write (tests/core/test_i18n_tags.py renders both)."""

from __future__ import annotations

from django.core.signals import setting_changed
from django.template import Library
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

register = Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

# Bumped when a test changes the settings that decide translations or formats: what a node kept is then stale.
_generation = [0]


def _settings_changed(**kwargs) -> None:
    _generation[0] += 1


setting_changed.connect(_settings_changed, dispatch_uid="core.templatetags.i18n")


class TranslateNode(django_i18n.TranslateNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        expression = self.filter_expression
        # A fixed text, no filters and no context: its output depends on the language and escaping alone.
        self.fixed = expression.var.lookups is None and not expression.filters and self.message_context is None
        self.kept: dict[tuple, str] = {}
        self.generation = _generation[0]

    def render(self, context):
        if not self.fixed:
            return super().render(context)
        if self.generation != _generation[0]:
            self.kept, self.generation = {}, _generation[0]
        key = (get_language(), context.autoescape)
        try:
            value = self.kept[key]
        except KeyError:
            value = super().render(context)
            if self.asvar:
                value = context[self.asvar]
            self.kept[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


class BlockTranslateNode(django_i18n.BlockTranslateNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept: dict[int, tuple[str, list[str]]] = {}  # the singular's and the plural's token lists, by id

    def render_token_list(self, tokens):
        try:
            message, names = self.kept[id(tokens)]
        except KeyError:
            message, names = self.kept[id(tokens)] = super().render_token_list(tokens)
        return message, list(names)  # Django's render extends the list with the plural's names


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return TranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


@register.tag("blocktranslate")
@register.tag("blocktrans")
def do_block_translate(parser, token):
    node = django_i18n.do_block_translate(parser, token)
    return BlockTranslateNode(
        node.extra_context,
        node.singular,
        node.plural,
        node.countervar,
        node.counter,
        node.message_context,
        node.trimmed,
        node.asvar,
        node.tag_name,
    )
