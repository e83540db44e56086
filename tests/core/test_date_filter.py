"""`|date` answers the formats our pages write from a plan made once, and writes exactly what Django's own filter
writes, in every language the product speaks, for dates, naive and aware moments (across the clock changes), and
the values it leaves to Django (None, text, other letters)."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, defaultfilters
from django.test import override_settings
from django.utils import dateformat, formats, timezone, translation

from core.templatetags import dates

ROOT = Path(settings.BASE_DIR)
LONDON = zoneinfo.ZoneInfo("Europe/London")


def _formats_in_templates() -> set[str]:
    written = set()
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" not in path.parts:
            written.update(match[1] for match in re.findall(r"""\|date:(["'])(.*?)\1""", path.read_text()))
    return written


TEMPLATE_FORMATS = sorted(_formats_in_templates())
FORMATS = [
    *TEMPLATE_FORMATS,
    None,
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    r"\Y\e\a\r: Y, \d\a\y: j",
    "n/y G:i",
    "N jS, P e T O",  # letters the plan leaves to Django
]
DAYS = [datetime.date(2026, 1, 1) + datetime.timedelta(days=n) for n in range(0, 365, 5)] + [
    datetime.date(1, 1, 1),
    datetime.date(999, 12, 31),
    datetime.date(2028, 2, 29),
]
MOMENTS = [
    datetime.datetime(2026, 3, 29, 0, 59, tzinfo=datetime.UTC),  # just before the clocks go forward
    datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC),
    datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC),  # the hour that happens twice in London
    datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC),
    datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
    datetime.datetime(2026, 7, 4, 9, 5, tzinfo=LONDON),
    datetime.datetime(2026, 7, 4, 9, 5),  # naive
]


def test_the_templates_write_formats_for_the_plan_to_answer():
    assert {"d/m/Y", "j M Y", "d M Y H:i", "SHORT_DATE_FORMAT", "Y-m-d", "c"} <= set(TEMPLATE_FORMATS)
    for written in ("d/m/Y", "j M Y", "d M Y H:i", "l j F Y", "D j M"):
        dates._plans.clear()
        assert dates._plan(written) is not None, written


def test_the_template_builtin_is_this_filter():
    template = Template('{{ day|date:"d/m/Y" }}')
    assert template.nodelist[0].filter_expression.filters[0][0] is dates.date


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
@pytest.mark.parametrize("written", FORMATS)
def test_every_format_writes_what_djangos_filter_writes(language, written):
    with translation.override(language):
        for value in DAYS:
            if _has_time_letters(written):
                with pytest.raises(TypeError):
                    defaultfilters.date(value, written)
                with pytest.raises(TypeError):
                    dates.date(value, written)
            else:
                assert dates.date(value, written) == defaultfilters.date(value, written), (value, written)
        for value in MOMENTS:
            local = timezone.template_localtime(value)
            assert dates.date(local, written) == defaultfilters.date(local, written), (value, written)


def test_a_page_in_welsh_writes_welsh_month_and_day_names():
    template = Template('{{ moment|date:"l j F Y" }}; {{ moment|date:"D j M" }}')
    moment = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)
    with translation.override("cy"):
        welsh = template.render(Context({"moment": moment}))
    with translation.override("en-gb"):
        english = template.render(Context({"moment": moment}))
    assert english == "Monday 7 December 2026; Mon 7 Dec"
    assert welsh != english
    with translation.override("cy"):
        assert welsh == f"{defaultfilters.date(moment, 'l j F Y')}; {defaultfilters.date(moment, 'D j M')}"


def test_the_plans_are_made_again_when_a_test_changes_the_formats():
    moment = datetime.datetime(2026, 7, 4, 9, 5, tzinfo=datetime.UTC)
    assert dates.date(moment, "SHORT_DATE_FORMAT") == "04/07/2026"
    assert dates._plans
    with override_settings(FORMAT_MODULE_PATH=["tests.core.formats"]):
        assert not dates._plans
        formats.reset_format_cache()  # Django's own cache is not reset for this setting: a test must do it
        assert dates.date(moment, "SHORT_DATE_FORMAT") == defaultfilters.date(moment, "SHORT_DATE_FORMAT")
        assert dates.date(moment, "SHORT_DATE_FORMAT") == "2026.07.04"
    formats.reset_format_cache()
    assert dates.date(moment, "SHORT_DATE_FORMAT") == "04/07/2026"


def test_aware_moments_are_written_in_the_centres_time_as_django_writes_them():
    template = Template('{{ moment|date:"d/m/Y H:i" }}')
    summer = datetime.datetime(2026, 7, 4, 23, 30, tzinfo=datetime.UTC)
    assert template.render(Context({"moment": summer})) == "05/07/2026 00:30"


@pytest.mark.parametrize("value", [None, "", "2026-01-01", 5, datetime.time(9, 30)])
def test_other_values_are_left_to_django(value):
    assert dates.date(value, "d/m/Y") == defaultfilters.date(value, "d/m/Y")
    assert dates.date(value, "H:i") == defaultfilters.date(value, "H:i")


def _has_time_letters(written) -> bool:
    letters = dateformat.re_formatchars.split(str(formats.get_format(written or "DATE_FORMAT")))[1::2]
    return any(hasattr(dateformat.TimeFormat, letter) for letter in letters)
