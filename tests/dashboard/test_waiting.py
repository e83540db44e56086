"""The "Waiting for you" panel: first on every home page, oldest first, a few items with "see all", fixed queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard import waiting
from dashboard.waiting import WAITING_SOURCES, WaitingItem, waiting_panel
from portfolio.models import Evidence
from tests.factories import client_for, make_registration
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    return media_root


def _home(user) -> str:
    return client_for(user).get(reverse("home")).content.decode()


def test_the_panel_comes_first_on_every_home_page(world):
    for user in (world.learner, world.assessor, world.iqa, world.admin, world.eqa):
        page = _home(user)
        assert "Waiting for you" in page
        assert page.index("Waiting for you") < page.index("</main>")


def test_the_assessor_sees_evidence_to_judge_oldest_first(world):
    older = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), files=[])
    newer = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), files=[])
    Evidence.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - dt.timedelta(days=5))
    page = _home(world.assessor)
    first = page.index(f"Judge evidence {older.reference}")
    assert first < page.index(f"Judge evidence {newer.reference}")
    assert reverse("portfolio:evidence-judge", args=[older.pk]) in page


def test_the_learner_sees_feedback_to_act_on(world):
    from portfolio.services.judgement import judge_link
    from tests.portfolio.helpers import link_for

    criterion = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[criterion], files=[])
    judge_link(actor=world.assessor, link=link_for(evidence, criterion), accepted=False, feedback="Add the date.")
    assert f"Act on the feedback on evidence {evidence.reference}" in _home(world.learner)
    assert f"Act on the feedback on evidence {evidence.reference}" not in _home(world.other_learner)


def test_the_admin_sees_registrations_waiting_for_an_identity_check(world):
    registration = make_registration(world.centre, assessor=world.assessor, iqa=world.iqa, identity_confirmed=False)
    assert f"Check the identity of {registration.learner.full_name}" in _home(world.admin)


def test_a_long_list_shows_a_few_and_a_see_all_link(world):
    for _ in range(waiting.SHOWN + 2):
        make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), files=[])
    page = _home(world.assessor)
    assert page.count("Judge evidence ") == waiting.SHOWN
    assert "See all: Your assessment queue" in page


def test_other_apps_add_their_items(world, monkeypatch):
    def plan_items_due(user, roles):
        return [WaitingItem(since=dt.date(2020, 1, 1), text="Plan item due: observe a complaint", url="/")]

    monkeypatch.setattr(waiting, "WAITING_SOURCES", [*WAITING_SOURCES, plan_items_due])
    panel = waiting_panel(world.learner, {})
    assert panel["items"][0].text == "Plan item due: observe a complaint"


def _queries(user) -> int:
    client = client_for(user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as context:
        client.get(reverse("home"))
    return len(context)


def test_the_assessors_home_queries_do_not_grow(world):
    make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), files=[])
    small = _queries(world.assessor)
    for _ in range(4):
        registration = make_registration(world.centre, assessor=world.assessor, iqa=world.iqa)
        make_evidence(registration, criteria=criteria_of(UNIT_A, 1), files=[])
    assert _queries(world.assessor) == small
