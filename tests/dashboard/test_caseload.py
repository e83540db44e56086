"""An assessor's caseload: their learners with progress, last activity and red/amber/green status, sorted on the
server by the query string."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import Role
from portfolio.models import Registration
from tests.factories import client_for, make_registration, make_staff, make_user

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:caseload")


def learner_order(page: str) -> list[str]:
    return re.findall(r'<th scope="row" class="fw-normal"><a href="[^"]+">([^<]+)</a>', page)


@pytest.fixture
def caseload(world, active_on):
    """The assessor's three learners: Lena (quiet 40 days: red), Anna (quiet 20 days: amber), Zoe (today: green)."""
    active_on(world.registration, 40)
    anna = make_registration(world.centre, make_user(full_name="Anna Amber"), assessor=world.assessor, iqa=world.iqa)
    zoe = make_registration(world.centre, make_user(full_name="Zoe Green"), assessor=world.assessor, iqa=world.iqa)
    active_on(anna, 20)
    active_on(zoe, 0)
    return world


def test_assessor_sees_their_learners_with_status_most_urgent_first(caseload):
    response = client_for(caseload.assessor).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert learner_order(page) == ["Lena Learner", "Anna Amber", "Zoe Green"]
    assert "no activity for 40 days" in page and "no activity for 20 days" in page
    assert '<span class="rag rag-red">Red</span>' in page
    assert '<span class="rag rag-amber">Amber</span>' in page
    assert '<span class="rag rag-green">Green</span>' in page
    assert "Omar Other" not in page  # another assessor's learner


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Anna Amber", "Lena Learner", "Zoe Green"]),
        ("-name", ["Zoe Green", "Lena Learner", "Anna Amber"]),
        ("activity", ["Lena Learner", "Anna Amber", "Zoe Green"]),
        ("-activity", ["Zoe Green", "Anna Amber", "Lena Learner"]),
        ("-status", ["Zoe Green", "Anna Amber", "Lena Learner"]),
        ("nonsense", ["Lena Learner", "Anna Amber", "Zoe Green"]),
    ],
)
def test_the_query_string_sorts_the_table(caseload, sort, expected):
    page = client_for(caseload.assessor).get(URL, {"sort": sort}).content.decode()
    assert learner_order(page) == expected


def test_sorting_by_progress_puts_the_furthest_on_last(caseload):
    from portfolio.models import CriterionDecision
    from qualifications.models import Unit

    criterion = Unit.objects.get(reference="J/600/1003").criteria.order_by("order").first()
    zoe = Registration.objects.get(learner__full_name="Zoe Green")
    CriterionDecision.objects.create(registration=zoe, criterion=criterion, decided_by=caseload.assessor)
    page = client_for(caseload.assessor).get(URL, {"sort": "progress"}).content.decode()
    assert learner_order(page)[-1] == "Zoe Green"
    page = client_for(caseload.assessor).get(URL, {"sort": "-progress"}).content.decode()
    assert learner_order(page)[0] == "Zoe Green"


def test_the_sorted_column_says_so_and_its_link_sorts_the_other_way(caseload):
    page = client_for(caseload.assessor).get(URL, {"sort": "name"}).content.decode()
    assert 'aria-sort="ascending"><a href="?sort=-name">' in page
    assert 'href="?sort=progress"' in page


def test_past_planned_end_date_is_red_even_when_active(caseload, active_on):
    Registration.objects.filter(learner__full_name="Zoe Green").update(
        planned_end_date=dt.date.today() - dt.timedelta(days=1)
    )
    page = client_for(caseload.assessor).get(URL, {"sort": "status"}).content.decode()
    assert learner_order(page)[:2] == ["Lena Learner", "Zoe Green"]
    assert "past the planned end date" in page


@pytest.mark.parametrize("who", ["learner", "admin", "iqa", "eqa"])
def test_people_who_do_not_assess_are_refused_with_403(world, who):
    assert client_for(getattr(world, who)).get(URL).status_code == 403


def test_a_centre_the_assessor_does_not_work_at_is_404(world):
    response = client_for(world.assessor).get(URL, {"centre": world.other_centre.pk})
    assert response.status_code == 404


def test_a_centre_where_they_hold_another_role_is_403(world):
    make_staff(world.other_centre, Role.CENTRE_ADMIN, user=world.assessor)
    response = client_for(world.assessor).get(URL, {"centre": world.other_centre.pk})
    assert response.status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"sort": "activity"}).status_code == 200
    return len(queries)


def test_caseload_costs_the_same_queries_for_few_and_many_learners(caseload, active_on):
    client = client_for(caseload.assessor)
    small = _count(client)
    for _ in range(8):
        active_on(make_registration(caseload.centre, assessor=caseload.assessor, iqa=caseload.iqa), 3)
    large = _count(client)
    assert small == large <= 10, (small, large)
