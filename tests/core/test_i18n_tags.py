"""`{% translate %}` and `{% blocktranslate %}`, answering from what they work out once, write exactly what
Django's own tags write: each form of the tags rendered by both, in each language, escaped and not, twice (the
second render answering from what the first kept)."""

import pytest
from django.conf import settings
from django.core import checks
from django.template import Context, Engine, engines
from django.test import override_settings
from django.utils import translation

from core.templatetags import i18n as ours

OURS = engines["django"].engine
DJANGOS = Engine(libraries={"i18n": "django.templatetags.i18n"})
LANGUAGES = [code for code, _ in settings.LANGUAGES]

SOURCES = [
    '{% translate "Sign out" %}',
    "{% translate 'Learners' %} {% trans \"Learners\" %}",
    '{% translate "Sign out" as label %}[{{ label }}]',
    '{% translate "Sign out" noop %}',
    '{% translate "100% <b>sure</b>" %}',
    '{% translate "May" context "month name" %}',
    "{% translate word %} {% translate word as kept %}{{ kept }}",
    '{% translate "Sign out"|upper %}',
    "{% blocktranslate %}Pathway: {{ pathway }}{% endblocktranslate %}",
    "{% blocktranslate trimmed with pathway=route.name %}\n  Pathway:\n  {{ pathway }}\n{% endblocktranslate %}",
    "{% blocktranslate count count=number %}{{ count }} learner{% plural %}{{ count }} learners{% endblocktranslate %}",
    "{% blocktrans count counter=number asvar sentence %}{{ counter }} piece{% plural %}{{ counter }} pieces"
    "{% endblocktrans %}<{{ sentence }}>",
    '{% blocktranslate context "greeting" %}Hello {{ word }}{% endblocktranslate %}',
    "{% blocktranslate %}100% of {{ word }}{% endblocktranslate %}",
]


def _render(engine: Engine, source: str, autoescape: bool) -> str:
    template = engine.from_string("{% load i18n %}" + source)
    context = {"pathway": "<Retail>", "route": {"name": "Café & bar"}, "number": 2, "word": "Learners"}
    return template.render(Context(context, autoescape=autoescape))


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("autoescape", [True, False])
def test_each_form_writes_what_djangos_tag_writes(source, language, autoescape):
    with translation.override(language):
        expected = _render(DJANGOS, source, autoescape)
        template = OURS.from_string("{% load i18n %}" + source)
        context = {"pathway": "<Retail>", "route": {"name": "Café & bar"}, "number": 2, "word": "Learners"}
        for _ in range(2):
            assert template.render(Context(context, autoescape=autoescape)) == expected


def test_a_kept_text_follows_the_language_of_each_render():
    template = OURS.from_string('{% load i18n %}{% translate "Sign out" %}|{% translate "Sign out" as x %}{{ x }}')
    with translation.override("en-gb"):
        assert template.render(Context()) == "Sign out|Sign out"
    with translation.override("cy"):
        assert template.render(Context()) == "Allgofnodi|Allgofnodi"
    with translation.override("en-gb"):
        assert template.render(Context()) == "Sign out|Sign out"


def test_the_project_loads_these_tags_as_i18n():
    template = OURS.from_string('{% load i18n %}{% translate "Sign out" %}{% blocktranslate %}x{% endblocktranslate %}')
    assert [type(node) for node in template.nodelist[1:]] == [ours.TranslateNode, ours.BlockTranslateNode]
    assert "get_current_language" in OURS.template_libraries["i18n"].tags  # Django's other tags are still there


def test_what_a_node_kept_is_forgotten_when_a_test_changes_the_language_settings():
    source = '{% load i18n %}{% translate "Sign out" %}'
    template = OURS.from_string(source)
    with translation.override("cy"):
        assert template.render(Context()) == "Allgofnodi"
    with override_settings(LOCALE_PATHS=[]), translation.override("cy"):
        untranslated = DJANGOS.from_string(source).render(Context())
        assert untranslated == "Sign out"  # the project's own Welsh catalogue is not read
        assert template.render(Context()) == untranslated


def test_a_plural_message_keeps_its_names_as_they_were_whatever_the_renders():
    template = OURS.from_string(
        "{% load i18n %}{% blocktranslate count count=number %}{{ count }} learner{% plural %}{{ count }} learners"
        "{% endblocktranslate %}"
    )
    node = template.nodelist[1]
    for _ in range(3):
        assert template.render(Context({"number": 3})) == "3 learners"
    assert sorted(names for _, names in node.kept.values()) == [["count"], ["count"]]


def test_i18n_is_the_only_library_label_given_two_modules():
    """Django's templates.W003 is silenced for the deliberate replacement alone: any other label used twice fails."""
    warnings = [
        message for message in checks.run_checks(tags=[checks.Tags.templates]) if message.id == "templates.W003"
    ]
    assert [message.msg for message in warnings] == [
        "'i18n' is used for multiple template tag modules: 'core.templatetags.i18n', 'django.templatetags.i18n'"
    ]
    assert settings.SILENCED_SYSTEM_CHECKS.count("templates.W003") == 1
