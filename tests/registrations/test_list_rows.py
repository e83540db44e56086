"""The learner list's rows, as portfolio/templatetags/learner_list_tags.py writes them in one pass: every cell, the
parts a row shows only sometimes, escaping and the reader's language."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from portfolio.progress import Progress
from portfolio.services.registration.schedule import Schedule
from portfolio.templatetags.learner_list_tags import learner_rows
from tests.factories import DIPLOMA_SKILLS, make_registration, make_user

pytestmark = pytest.mark.django_db


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html)


def _row(registration, progress=None, schedule=None) -> dict:
    return {
        "registration": registration,
        "progress": progress,
        "schedule": schedule or Schedule("on_track", "On track"),
    }


def test_a_row_gives_the_learner_qualification_staff_dates_progress_and_schedule(world):
    registration = world.registration
    registration.start_date, registration.planned_end_date = dt.date(2026, 1, 5), dt.date(2027, 3, 31)
    html = str(learner_rows([_row(registration, Progress(met=3, required=12, awaiting_review=0))], False))
    learner, qualification, assessor, iqa, start, end, progress, schedule = _cells(html)
    url = reverse("portfolio:registration-detail", args=[registration.pk])
    assert learner == (
        f'<a href="{url}">Lena Learner</a><br><span class="small text-body-secondary">{registration.learner.email}'
        "</span>"
    )
    assert qualification == (
        f'<span class="small">{registration.qualification.number}</span><br>{registration.qualification.title}'
    )
    assert (assessor, iqa) == (str(world.assessor), str(world.iqa))
    assert (start, end) == ("5 Jan 2026", "31 Mar 2027")
    assert progress.startswith("3 of 12 criteria <div class=")
    assert 'aria-label="Criteria met"' in progress and 'aria-valuenow="25"' in progress
    assert "awaiting review" not in progress
    assert schedule == '<span class="badge text-bg-success">On track</span>'


def test_a_row_adds_uln_pathway_centre_and_work_awaiting_review_where_there_are_some(world):
    registration = make_registration(
        world.centre,
        assessor=world.assessor,
        iqa=world.iqa,
        qualification=DIPLOMA_SKILLS,
        pathway="non-facing",
        uln="1234567890",
    )
    progress = Progress(met=0, required=40, awaiting_review=2)
    learner, qualification, *_, progress_cell, schedule = _cells(
        str(learner_rows([_row(registration, progress, Schedule("behind", "Behind"))], True))
    )
    assert " · ULN 1234567890</span>" in learner
    assert learner.endswith(f'<br><span class="small">{world.centre}</span>')
    assert qualification.endswith(f'<br><span class="small">Pathway: {registration.pathway}</span>')
    assert progress_cell.endswith('<span class="small">2 awaiting review</span>')
    assert schedule == '<span class="badge text-bg-warning">Behind</span>'


def test_a_learner_without_a_name_is_shown_by_email_and_closed_ones_get_a_grey_badge(world):
    nameless = make_user(email="no.name@example.test")
    nameless.full_name = ""
    nameless.save(update_fields=["full_name"])
    registration = make_registration(world.centre, nameless, assessor=world.assessor, iqa=world.iqa)
    learner, *_, schedule = _cells(str(learner_rows([_row(registration, schedule=Schedule("closed", "Withdrawn"))], 0)))
    assert ">no.name@example.test</a>" in learner
    assert schedule == '<span class="badge text-bg-secondary">Withdrawn</span>'


def test_what_people_typed_is_escaped(world):
    learner = make_user(full_name='<img src=x onerror="alert(1)">', email="odd@example.test")
    registration = make_registration(world.centre, learner, assessor=world.assessor, iqa=world.iqa)
    html = str(learner_rows([_row(registration)], False))
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</a>" in html


def test_rows_are_in_the_readers_language(world):
    progress = Progress(met=1, required=4, awaiting_review=1)
    with translation.override("cy"):
        html = str(learner_rows([_row(world.registration, progress)], False))
        expected = translation.gettext("%(met)s of %(required)s criteria") % {"met": 1, "required": 4}
    assert expected != "1 of 4 criteria"
    assert expected in html and "awaiting review" not in html


def test_each_cell_is_named_by_its_column_in_the_readers_language_for_a_phones_stacked_table(world):
    names = ("Qualification", "Assessor", "IQA", "Start", "Planned end", "Progress", "Schedule")
    for language in ("en-gb", "cy"):
        with translation.override(language):
            html = str(learner_rows([_row(world.registration)], False))
            columns = [translation.gettext(name) for name in names]
        assert re.findall(r'data-label="([^"]*)"', html) == columns
    assert columns[0] != "Qualification" and columns[-1] != "Schedule"  # the Welsh ones
