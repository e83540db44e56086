"""Django's `date` filter (installed as a template builtin in settings.TEMPLATES), answering the formats our pages
write (day, month, year, weekday, hour and minute) from a plan made once per format and language: Django's own
filter resolves the format, splits it and looks up each month and weekday name afresh on every call, which a
table pays for on every row. Any other value or format letter is Django's own filter, so the output is always
what Django would write (tests/core/test_date_filter.py compares the two)."""

from __future__ import annotations

import datetime

from django.core.signals import setting_changed
from django.template import Library, defaultfilters
from django.utils import dateformat, dates, formats
from django.utils.translation import get_language

register = Library()


def _names(names) -> dict:
    return {key: str(name) for key, name in names.items()}


def _month_abbreviations() -> dict:
    return {key: str(name).title() for key, name in dates.MONTHS_3.items()}


# Format letter -> how to write it, given the value and the language's names (made once per language).
_LETTERS = {
    "d": lambda value, names: f"{value.day:02d}",
    "j": lambda value, names: str(value.day),
    "m": lambda value, names: f"{value.month:02d}",
    "n": lambda value, names: str(value.month),
    "Y": lambda value, names: f"{value.year:04d}",
    "y": lambda value, names: f"{value.year % 100:02d}",
    "M": lambda value, names: names["M"][value.month],
    "F": lambda value, names: names["F"][value.month],
    "D": lambda value, names: names["D"][value.weekday()],
    "l": lambda value, names: names["l"][value.weekday()],
}
_TIME_LETTERS = {
    "H": lambda value, names: f"{value.hour:02d}",
    "G": lambda value, names: str(value.hour),
    "i": lambda value, names: f"{value.minute:02d}",
}

# (format as written in the template, language) -> (the language's names, the steps: literal text, a date letter's
# writer, or a time letter's writer in a 1-tuple), or None where a letter is not one of ours. Built from the format
# settings and the translation catalogues, which do not change while the process runs (a test changing settings
# empties it).
_plans: dict[tuple, tuple | None] = {}


def _settings_changed(**kwargs) -> None:
    _plans.clear()  # a test changed the formats or languages: plan again, as Django's own format cache does


setting_changed.connect(_settings_changed, dispatch_uid="core.templatetags.dates")


def _plan(arg) -> tuple | None:
    language = get_language()
    key = (arg, language)
    try:
        return _plans[key]
    except KeyError:
        pass
    written = formats.get_format(arg or "DATE_FORMAT")
    steps = []
    for index, piece in enumerate(dateformat.re_formatchars.split(str(written))):
        if index % 2:
            if piece in _LETTERS:
                steps.append(_LETTERS[piece])
            elif piece in _TIME_LETTERS:
                steps.append((_TIME_LETTERS[piece],))
            else:
                _plans[key] = None
                return None
        elif piece:
            steps.append(dateformat.re_escaped.sub(r"\1", piece))
    names = {
        "M": _month_abbreviations(),
        "F": _names(dates.MONTHS),
        "D": _names(dates.WEEKDAYS_ABBR),
        "l": _names(dates.WEEKDAYS),
    }
    plan = _plans[key] = (names, tuple(steps))
    return plan


def _written(value, plan) -> str | None:
    names, steps = plan
    timed = isinstance(value, datetime.datetime)
    pieces = []
    for step in steps:
        if type(step) is str:
            pieces.append(step)
        elif type(step) is tuple:
            if not timed:
                return None  # Django refuses a time letter for a date: let it say so
            pieces.append(step[0](value, names))
        else:
            pieces.append(step(value, names))
    return "".join(pieces)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if type(value) is datetime.date or isinstance(value, datetime.datetime):
        plan = _plan(arg)
        if plan is not None:
            written = _written(value, plan)
            if written is not None:
                return written
    return defaultfilters.date(value, arg)
