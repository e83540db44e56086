"""`{% url %}` with whole-number arguments, or none, is answered from pieces reversed once, and says exactly what
`reverse()` says for every named URL of the project; anything else is Django's own tag."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from core.templatetags.urls import numeric_url


def _numeric_urls(patterns=None, namespace="", outer=()):
    """(name, number of arguments) of every named URL whose arguments (its includes' too) are all whole numbers,
    or that has none."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        own = getattr(entry.pattern, "converters", {})
        if entry.pattern.regex.groups != len(own):  # a regex's own groups: not ours to answer
            continue
        converters = (*outer, *own.values())
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _numeric_urls(entry.url_patterns, inner, converters)
        elif isinstance(entry, URLPattern) and entry.name:
            if all(isinstance(converter, IntConverter) for converter in converters):
                yield f"{namespace}{entry.name}", len(converters)


NUMERIC_URLS = sorted(set(_numeric_urls()))


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_project_has_urls_with_numbers_and_without_arguments_to_check():
    assert len(NUMERIC_URLS) > 50
    assert ("portfolio:evidence-detail", 1) in NUMERIC_URLS
    assert ("home", 0) in NUMERIC_URLS  # the layout's links have no arguments


@pytest.mark.parametrize(("name", "count"), NUMERIC_URLS)
def test_every_numeric_url_is_what_reverse_says(name, count):
    for values in ([0] * count, [1 + n for n in range(count)], [98765 * (n + 3) for n in range(count)]):
        expected = reverse(name, args=values)
        assert numeric_url(name, values) == expected
        tag = "{% url name " + " ".join(f"a{n}" for n in range(count)) + " %}"
        assert render(tag, name=name, **{f"a{n}": value for n, value in enumerate(values)}) == expected


def test_other_arguments_are_djangos_own_tag():
    assert numeric_url("portfolio:evidence-detail", ["12"]) is None
    assert numeric_url("portfolio:evidence-detail", [True]) is None
    assert numeric_url("portfolio:evidence-detail", [-1]) is None
    assert render("{% url 'portfolio:evidence-detail' '12' %}") == reverse("portfolio:evidence-detail", args=[12])
    assert render("{% url 'portfolio:evidence-detail' pk=12 %}") == reverse("portfolio:evidence-detail", args=[12])
    assert render("{% url 'home' %}") == reverse("home")
    assert numeric_url("home", []) == reverse("home")


def test_a_url_that_cannot_be_reversed_still_fails_or_is_empty_with_as():
    with pytest.raises(NoReverseMatch):
        render("{% url 'portfolio:evidence-detail' 1 2 %}")
    with pytest.raises(NoReverseMatch):
        render("{% url 'portfolio:evidence-detail' -1 %}")
    assert render("{% url 'portfolio:evidence-detail' -1 as link %}[{{ link }}]") == "[]"
    assert render("{% url 'portfolio:evidence-detail' 5 as link %}[{{ link }}]") == (
        f"[{reverse('portfolio:evidence-detail', args=[5])}]"
    )
