"""The whole-qualification evidence map: who may open it, what each cell says, and what it costs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import PersonalInterest
from portfolio.maps import CellState, evidence_map
from portfolio.services.judgement import judge_link
from tests.factories import client_for
from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, link_for, make_evidence

pytestmark = pytest.mark.django_db


def map_url(registration) -> str:
    return reverse("portfolio:evidence-map", args=[registration.pk])


@pytest.fixture
def judged(world):
    """Evidence 1 linked to three criteria of unit A: one accepted, one rejected, one waiting."""
    c1, c2, c3 = criteria_of(UNIT_A, 3)
    evidence = make_evidence(world.registration, criteria=[c1, c2, c3])
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    judge_link(actor=world.assessor, link=link_for(evidence, c2), accepted=False, feedback="One case only: add two")
    return evidence


def test_each_cell_says_the_state_of_its_link(world, judged):
    built = evidence_map(world.registration)
    assert [piece.pk for piece in built.evidence] == [judged.pk]
    states = [row.cells[0].state for row in built.rows[:4]]
    assert states == [CellState.ACCEPTED, CellState.REJECTED, CellState.WAITING, CellState.NOT_LINKED]
    # Every criterion of both units of the plan is a row, grouped by unit.
    assert [unit.unit.reference for unit in built.units] == [UNIT_A, UNIT_B]
    assert built.counts[CellState.ACCEPTED] == 1 and built.counts[CellState.REJECTED] == 1


def test_learner_sees_their_map_in_a_scrollable_labelled_region_with_a_legend_and_a_list(world, judged):
    response = client_for(world.learner).get(map_url(world.registration))
    assert response.status_code == 200
    page = response.content.decode()
    assert "My evidence map" in page
    assert 'class="map-scroll mb-4" tabindex="0" role="region" aria-label="Evidence map' in page
    for label in CellState.LABELS.values():
        assert label in page  # the key, and the cells' words for screen readers
    assert page.count('class="map-cell map-accepted"') == 1
    assert page.count('class="map-cell map-rejected"') == 1
    assert "The map as a list" in page
    assert "evidence 1 rejected: more is needed" in page


@pytest.mark.parametrize("who", ["assessor", "iqa"])
def test_assessor_and_iqa_of_the_learner_see_the_map(world, judged, who):
    response = client_for(getattr(world, who)).get(map_url(world.registration))
    assert response.status_code == 200
    assert f"Evidence map of {world.learner.full_name}" in response.content.decode()


def test_centre_admin_is_refused_with_403(world):
    assert client_for(world.admin).get(map_url(world.registration)).status_code == 403


def test_iqa_with_a_declared_interest_is_refused_with_403(world):
    PersonalInterest.objects.create(centre=world.centre, staff=world.iqa, learner=world.learner, description="Cousin")
    assert client_for(world.iqa).get(map_url(world.registration)).status_code == 403


@pytest.mark.parametrize("who", ["other_learner", "other_assessor", "other_admin", "other_centre_assessor"])
def test_people_outside_the_learners_portfolio_get_404(world, who):
    assert client_for(getattr(world, who)).get(map_url(world.registration)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(map_url(world.registration))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_map_costs_the_same_queries_for_few_and_many_criteria_and_evidence(world):
    client = client_for(world.learner)
    url = map_url(world.registration)
    make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), files=[])
    small = _count(client, url)
    for _ in range(6):
        make_evidence(world.registration, criteria=criteria_of(UNIT_A, 8) + criteria_of(UNIT_B, 6), files=[])
    built = evidence_map(world.registration)
    assert len(built.evidence) == 7 and len(built.rows) > 10
    large = _count(client, url)
    assert small == large, (small, large)
    with CaptureQueriesContext(connection) as building:
        evidence_map(world.registration)
    assert len(building) <= 10


@pytest.mark.parametrize(("who", "offered"), [("learner", True), ("assessor", True), ("iqa", True), ("admin", False)])
def test_the_portfolio_offers_the_map_only_to_those_who_may_open_it(world, who, offered):
    page = client_for(getattr(world, who)).get(
        reverse("portfolio:registration-portfolio", args=[world.registration.pk])
    )
    assert (map_url(world.registration) in page.content.decode()) is offered
