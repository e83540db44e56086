"""A centre admin's overview: figures with small SVG bars, each linking to the learners behind it."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.models import Adjustment, Registration
from tests.factories import client_for, make_registration, make_user

pytestmark = pytest.mark.django_db


def overview_url(centre) -> str:
    return reverse("dashboard:centre-overview", args=[centre.pk])


def learners_url(centre) -> str:
    return reverse("dashboard:centre-learners", args=[centre.pk])


def figure(page: str, label: str) -> str:
    """The figure beside a bar, by the bar's label."""
    match = re.search(rf">{re.escape(label)}</a></th>.*?<td class=\"bar-figure\">([^<]+)</td>", page, re.S)
    assert match, label
    return match.group(1)


@pytest.fixture
def centre(world, active_on):
    """Lena: past her planned end date. Omar: no identity check. The trainee's learner: on track, active today.
    One withdrawn learner; one adjustment awaiting a decision."""
    Registration.objects.filter(pk=world.registration.pk).update(planned_end_date=dt.date.today() - dt.timedelta(1))
    Registration.objects.filter(pk=world.other_registration.pk).update(id_checked_on=None)
    for registration in (world.registration, world.other_registration, world.trainee_registration):
        active_on(registration, 1)
    make_registration(
        world.centre,
        make_user(full_name="Wanda Withdrawn"),
        assessor=world.assessor,
        iqa=world.iqa,
        status=Registration.Status.WITHDRAWN,
    )
    Adjustment.objects.create(
        registration=world.other_registration,
        kind=Adjustment.Kind.REASONABLE_ADJUSTMENT,
        what="Extra time",
        why="Dyslexia",
        requested_by=world.assessor,
    )
    return world


def test_admin_sees_figures_with_bars_and_links(centre):
    response = client_for(centre.admin).get(overview_url(centre.centre))
    assert response.status_code == 200
    page = response.content.decode()
    assert figure(page, "Active") == "3 learners"
    assert figure(page, "Withdrawn") == "1 learner"
    assert figure(page, "Past the planned end date") == "1 learner"
    assert figure(page, "Identity checks waiting") == "1 learner"
    assert figure(page, "Adjustments awaiting a decision") == "1 request"
    assert figure(page, "Ready for a certification claim") == "0 learners"
    assert figure(page, "Red") == "1 learner"
    # Each figure links to the list behind it.
    assert f'href="{learners_url(centre.centre)}?track=overdue"' in page
    assert f'href="{reverse("portfolio:registration-list")}?centre={centre.centre.pk}&amp;no_identity=on"' in page
    assert f'href="{reverse("quality:certification", args=[centre.centre.pk])}"' in page
    # Every bar is an SVG hidden from screen readers beside its words in a captioned table.
    bars = page.count('<svg class="chart-bar"')
    hidden = '<svg class="chart-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"'
    assert bars == page.count(hidden)
    assert bars >= 14
    assert page.count("<caption") == 4
    assert "Southbank" not in page


def test_the_learner_table_behind_a_figure_shows_those_learners(centre):
    client = client_for(centre.admin)
    page = client.get(learners_url(centre.centre), {"track": "overdue"}).content.decode()
    assert "Lena Learner" in page and "Omar Other" not in page
    assert "past the planned end date" in page
    page = client.get(learners_url(centre.centre), {"waiting": "identity"}).content.decode()
    assert "Omar Other" in page and "Lena Learner" not in page
    page = client.get(learners_url(centre.centre), {"rag": "red", "sort": "-name"}).content.decode()
    assert "Lena Learner" in page and "Omar Other" not in page


@pytest.mark.parametrize("name", ["dashboard:centre-overview", "dashboard:centre-learners"])
@pytest.mark.parametrize("who", ["assessor", "iqa", "learner"])
def test_other_roles_at_the_centre_are_refused_with_403(world, name, who):
    url = reverse(name, args=[world.centre.pk])
    assert client_for(getattr(world, who)).get(url).status_code == (404 if who == "learner" else 403)


@pytest.mark.parametrize("name", ["dashboard:centre-overview", "dashboard:centre-learners"])
def test_another_centres_admin_gets_404(world, name):
    assert client_for(world.other_admin).get(reverse(name, args=[world.centre.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(overview_url(world.centre))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["dashboard:centre-overview", "dashboard:centre-learners"])
def test_overview_costs_the_same_queries_for_few_and_many_learners(centre, active_on, name):
    client = client_for(centre.admin)
    url = reverse(name, args=[centre.centre.pk])
    small = _count(client, url)
    for index in range(8):
        registration = make_registration(
            centre.centre, assessor=centre.assessor, iqa=centre.iqa, identity_confirmed=bool(index % 2)
        )
        active_on(registration, index * 5)
    large = _count(client, url)
    # Signing in and the access profile (3), the overview's own (7: the learner table's 5 among them) and the
    # certification check's (10, as on quality's certification page, which it shares).
    assert small == large <= 21, (small, large)


def test_evidence_awaiting_review_is_counted_and_listed(centre):
    from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

    make_evidence(centre.trainee_registration, criteria=criteria_of(UNIT_A, 2), files=[])
    client = client_for(centre.admin)
    page = client.get(overview_url(centre.centre)).content.decode()
    assert figure(page, "Evidence awaiting review") == "1 piece"
    page = client.get(learners_url(centre.centre), {"waiting": "review"}).content.decode()
    assert "Learners at Northgate Training: with evidence awaiting review" in page
    assert centre.trainee_registration.learner.full_name in page and "Lena Learner" not in page
