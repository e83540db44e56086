"""A learner's progress as a ring per unit (server-side SVG, its caption the text alternative) on their home page
and their portfolio, and a ring per qualification on My portfolio when they hold several."""

import re

import pytest
from django.urls import reverse

from portfolio.models import CriterionDecision
from portfolio.progress import unit_statuses
from tests.factories import NVQ, client_for, make_registration

pytestmark = pytest.mark.django_db


def rings(page: str) -> list[tuple[str, str]]:
    """(number drawn inside the ring, the caption's words) of every ring on the page."""
    return re.findall(
        r'<text class="chart-ring-text"[^>]*>([^<]+)</text>.*?<span class="text-body-secondary">([^<]+)</span>',
        page,
        re.S,
    )


@pytest.fixture
def one_met(world):
    statuses = unit_statuses(world.registration)
    criterion = statuses[0].criteria[0].criterion
    CriterionDecision.objects.create(registration=world.registration, criterion=criterion, decided_by=world.assessor)
    return [(status.unit, status.required) for status in statuses]


@pytest.mark.parametrize("where", ["home", "portfolio"])
def test_a_ring_per_unit_with_the_number_in_text(world, one_met, where):
    url = (
        reverse("home")
        if where == "home"
        else reverse("portfolio:registration-portfolio", args=[world.registration.pk])
    )
    page = client_for(world.learner).get(url).content.decode()
    (first, first_total), (second, second_total) = one_met
    assert rings(page) == [
        (f"1/{first_total}", f"1 of {first_total} criteria met"),
        (f"0/{second_total}", f"0 of {second_total} criteria met"),
    ]
    # The drawing is hidden from screen readers; the caption names the unit and says the figures.
    assert page.count('<svg class="chart-ring"') == page.count(
        '<svg class="chart-ring" viewBox="0 0 36 36" width="64" height="64" aria-hidden="true"'
    )
    assert f"{first.reference} {first.title}</a><br>" in page
    assert "css/charts.css" in page


def test_my_portfolio_shows_a_ring_per_qualification(world):
    make_registration(world.centre, world.learner, assessor=world.assessor, iqa=world.iqa, qualification=NVQ)
    page = client_for(world.learner).get(reverse("portfolio:my-portfolio")).content.decode()
    assert len(rings(page)) == 2
    assert page.count(">Evidence map<span") == 2
