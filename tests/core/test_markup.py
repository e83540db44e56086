"""core.markup: HTML written in Python escapes exactly as Django's format_html and templates do."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from core.markup import day_formatter, escaped, html_of, html_rows, lines_br, our_words


class _Named:
    def __str__(self):
        return 'O\'Brien & <Sons> "Ltd"'


class _Markup:
    def __html__(self):
        return "<b>already safe</b>"


VALUES = [
    "plain",
    "<script>alert('x')</script> & \"quotes\"",
    mark_safe("<em>safe</em>"),
    SafeString("<i>also safe</i>"),
    12,
    3.5,
    None,
    True,
    dt.date(2026, 1, 5),
    _Named(),
    _Markup(),
    gettext_lazy("Judge"),
    "",
]


@pytest.mark.parametrize("value", VALUES, ids=[type(value).__name__ for value in VALUES])
def test_a_value_is_escaped_as_conditional_escape_escapes_it(value):
    assert escaped(value) == str(conditional_escape(value))


def test_html_of_and_html_rows_give_what_format_html_and_format_html_join_give():
    row_format = "<tr><td>{}</td><td>{}</td><td>{}</td></tr>"
    rows = [VALUES[index : index + 3] for index in range(0, len(VALUES) - 2)]
    assert str(html_rows(row_format, rows)) == str(format_html_join("", row_format, rows))
    assert isinstance(html_rows(row_format, rows), SafeString)
    for row in rows:
        assert html_of(row_format, *row) == format_html(row_format, *row)
        assert isinstance(html_of(row_format, *row), SafeString)
    assert html_rows(row_format, []) == ""


def test_our_words_fill_a_translated_message_as_blocktranslate_does():
    template = Template(
        "{% load i18n %}{% blocktranslate with name=name seq=seq %}Decided by {{ name }} (imported chain entry "
        "{{ seq }}){% endblocktranslate %}"
    )
    for language in ("en-gb", "cy"):
        with translation.override(language):
            for name in ("Ann", "<b>Ann</b> & Co"):
                filled = our_words(gettext("Decided by %(name)s (imported chain entry %(seq)s)"), name=name, seq=7)
                assert filled == template.render(Context({"name": name, "seq": 7}))
    assert our_words(gettext("Judge")) == "Judge" and isinstance(our_words("x"), SafeString)


def test_a_day_is_formatted_as_the_date_filter_formats_it_in_the_centres_time_zone():
    template = Template('{{ value|date:"j M Y" }}')
    day = day_formatter("j M Y")
    late_in_june = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)  # 1 July in London
    for value in (dt.date(2026, 1, 5), late_in_june, dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC)):
        assert day(value) == template.render(Context({"value": value}))
    assert day(late_in_june) == "1 Jul 2026"
    assert day(None) == ""


def test_a_moment_many_rows_share_is_formatted_as_the_filter_formats_it_each_time():
    template = Template('{{ value|date:"SHORT_DATE_FORMAT" }}')
    day = day_formatter("SHORT_DATE_FORMAT")
    late_in_june = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    same_moment_elsewhere = late_in_june.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    moments = [late_in_june, late_in_june, same_moment_elsewhere, dt.date(2026, 6, 30), late_in_june]
    assert [day(value) for value in moments] == [template.render(Context({"value": v})) for v in moments]
    assert day(late_in_june) == "01/07/2026" and day(dt.date(2026, 6, 30)) == "30/06/2026"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "one line",
        "first\nsecond",
        "windows\r\nbreaks\r\nand an old Mac\rbreak",
        "<script>alert('x')</script> & \"quotes\"\n\nafter a blank line",
        mark_safe("<em>already</em>\nsafe"),
    ],
    ids=["empty", "one-line", "newline", "crlf-and-cr", "hostile", "safe"],
)
def test_lines_br_gives_what_the_linebreaksbr_filter_gives(text):
    assert lines_br(text) == linebreaksbr(text, autoescape=True)
    assert isinstance(lines_br(text), SafeString)
