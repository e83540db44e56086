""" "Waiting for you" gathers the new apps' work (overdue plan activities, plans to sign, observations to confirm,
progress reviews due or to sign) and every learner's and assessor's home page shows this week's visits; the home
pages still read in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprenticeships.services.reviews import record_review
from centres.models import User
from observations.services.recording import record_observation
from observations.services.signatures import SignatureInput
from planning.services.plans import sign_plan, version_hash
from planning.services.visits import schedule_visit
from portfolio.models import Registration
from tests.apprenticeships.helpers import make_apprentice_registration, make_apprenticeship
from tests.factories import client_for, make_registration, make_user
from tests.observations.helpers import record_input
from tests.planning.helpers import criteria_of, item, make_plan, visit_input
from tests.sql_building import compiled_selects

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    return media_root


def _home(user) -> str:
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _waiting_part(page: str) -> str:
    return page[page.index('id="waiting"') : page.index("</section>", page.index('id="waiting"'))]


def test_overdue_plan_activities_wait_for_the_learner_and_the_assessor(world):
    make_plan(world.registration, items=[item(criteria_of(world.registration, 1), due_on=TODAY - dt.timedelta(3))])
    assert "Plan activity overdue: Observe a customer complaint" in _waiting_part(_home(world.learner))
    assessor = _waiting_part(_home(world.assessor))
    assert f"Plan activity overdue for {world.learner.full_name}: Observe a customer complaint" in assessor
    assert "Plan activity overdue" not in _waiting_part(_home(world.other_learner))


def test_a_plan_waits_for_each_signature_until_given(world):
    version = make_plan(world.registration)
    assert "Read and sign your assessment plan “First plan”" in _home(world.learner)
    assert f"Sign the assessment plan of {world.learner.full_name}" in _home(world.assessor)
    sign_plan(version=version, user=world.learner, expected_hash=version_hash(version))
    assert "Read and sign your assessment plan" not in _home(world.learner)
    assert f"Sign the assessment plan of {world.learner.full_name}" in _home(world.assessor)


def test_an_observation_to_confirm_waits_for_the_learner(world):
    record = record_observation(
        actor=world.assessor,
        registration=world.registration,
        data=record_input(),
        learner_confirms_later=True,
        learner=SignatureInput(),
    )
    page = _waiting_part(_home(world.learner))
    assert f"Confirm the observation recorded as evidence {record.evidence.reference}" in page
    assert reverse("observations:record-confirm", args=[record.pk]) in page


def test_progress_reviews_overdue_then_to_sign_wait_for_the_assessor_and_the_admin(world):
    registration = make_apprentice_registration(world, make_user(full_name="Ari Apprentice"))
    apprenticeship = make_apprenticeship(world, registration)
    review = apprenticeship.reviews.get()
    review.due_on = TODAY - dt.timedelta(days=5)
    review.save(update_fields=["due_on"])
    assert "Progress review of Ari Apprentice overdue since" in _waiting_part(_home(world.assessor))
    assert "Progress review of Ari Apprentice overdue since" in _waiting_part(_home(world.admin))
    record_review(
        actor=world.admin,
        review=review,
        held_on=TODAY,
        targets_set="Unit 3",
        targets_met="",
        english_maths="",
        wellbeing="Settled",
        safeguarding="No concerns",
        employer_comments="",
    )
    page = _waiting_part(_home(world.assessor))
    assert "Sign the progress review of Ari Apprentice" in page and "overdue since" not in page


def test_this_weeks_visits_show_on_the_learners_and_the_assessors_home(world):
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    schedule_visit(user=world.assessor, data=visit_input(world.registration, date=monday + dt.timedelta(days=6)))
    schedule_visit(
        user=world.assessor,
        data=visit_input(world.registration, date=monday + dt.timedelta(days=8), purpose="Next week's visit"),
    )
    for user in (world.learner, world.assessor):
        page = _home(user)
        assert "This week&#x27;s visits" in page or "This week's visits" in page
        assert "Observe handling a complaint" in page.split("This week")[1].split("</section>")[0]
        assert "Next week&#x27;s visit" not in page.split("This week")[1].split("</section>")[0]
    assert "No visits this week." in _home(world.other_learner)
    assert "This week" not in _waiting_part(_home(world.iqa))


def _queries(user) -> int:
    client = client_for(user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as context:
        client.get(reverse("home"))
    return len(context)


def test_a_learners_second_visit_to_their_home_page_builds_no_sql(world, settings):
    settings.COMPILED_READS_VERIFY = False  # the check compiles each read afresh, by design
    _learners_work(world, world.registration)
    client = client_for(world.learner)
    client.get(reverse("home"))
    with compiled_selects() as compiled:
        assert client.get(reverse("home")).status_code == 200
    # Only the prefetch of the people on this week's visit (Django builds a prefetch's query itself).
    assert compiled == [Registration, User]


def _learners_work(world, registration):
    make_plan(registration, items=[item(criteria_of(registration, 1), due_on=TODAY - dt.timedelta(days=2))])
    schedule_visit(user=world.assessor, data=visit_input(registration, date=TODAY))


def test_the_home_pages_read_in_fixed_queries_with_plans_visits_and_reviews(world):
    _learners_work(world, world.registration)
    apprenticeship = make_apprenticeship(world, make_apprentice_registration(world))
    apprenticeship.reviews.update(due_on=TODAY - dt.timedelta(days=1))
    small = {user.pk: _queries(user) for user in (world.learner, world.assessor, world.admin)}
    for n in range(4):
        registration = make_registration(
            world.centre, make_user(full_name=f"Kim Caseload{n}"), assessor=world.assessor, iqa=world.iqa
        )
        _learners_work(world, registration)
        make_apprenticeship(world, make_apprentice_registration(world)).reviews.update(
            due_on=TODAY - dt.timedelta(days=1)
        )
    schedule_visit(user=world.assessor, data=visit_input(world.registration, date=TODAY, purpose="Second visit"))
    make_plan(world.registration, items=[item(criteria_of(world.registration, 1), due_on=TODAY - dt.timedelta(1))])
    assert {user.pk: _queries(user) for user in (world.learner, world.assessor, world.admin)} == small
