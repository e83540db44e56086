"""Visits: who may be visited, changes and cancellations recorded, the calendar and the iCal feed."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from centres.models import Event
from planning.models import Visit
from planning.services.visits import (
    VisitError,
    VisitNotAllowed,
    cancel_visit,
    change_visit,
    new_feed,
    revoke_feed,
    schedule_visit,
)
from tests.factories import client_for, make_registration, make_user

from .helpers import DAY, make_plan, visit_input

pytestmark = pytest.mark.django_db


def test_assessor_schedules_a_visit_with_their_learner(world):
    version = make_plan(world.registration)
    item = version.items.first()
    visit = schedule_visit(user=world.assessor, data=visit_input(world.registration, plan_item_ids=[item.pk]))
    assert list(visit.registrations.all()) == [world.registration] and list(visit.plan_items.all()) == [item]
    assert Event.objects.filter(action="visit_scheduled", registration_id=world.registration.pk).exists()


def test_another_assessors_or_another_centres_learner_is_refused(world):
    for registration in (world.other_registration, world.other_centre_registration):
        with pytest.raises(VisitError, match="learners you assess"):
            schedule_visit(user=world.assessor, data=visit_input(world.registration, registration))
    assert not Visit.objects.exists()


def test_group_visit_and_bad_input(world):
    second = make_registration(world.centre, assessor=world.assessor, iqa=world.iqa)
    visit = schedule_visit(user=world.assessor, data=visit_input(world.registration, second))
    assert visit.registrations.count() == 2
    with pytest.raises(VisitError, match="end after"):
        schedule_visit(user=world.assessor, data=visit_input(world.registration, ends_at=dt.time(9, 0)))
    with pytest.raises(VisitError, match="place"):
        schedule_visit(user=world.assessor, data=visit_input(world.registration, place=""))
    with pytest.raises(VisitNotAllowed):
        schedule_visit(user=world.learner, data=visit_input(world.registration))


def test_changes_and_cancellations_are_recorded(world):
    visit = schedule_visit(user=world.assessor, data=visit_input(world.registration))
    with pytest.raises(VisitNotAllowed):
        change_visit(visit=visit, user=world.other_assessor, data=visit_input(world.registration))
    change_visit(visit=visit, user=world.assessor, data=visit_input(world.registration, starts_at=dt.time(9, 0)))
    changed = Event.objects.get(action="visit_changed")
    assert changed.data["before"]["starts_at"] == "10:00" and changed.data["after"]["starts_at"] == "09:00"
    cancel_visit(visit=visit, user=world.assessor, reason="Store closed")
    visit.refresh_from_db()
    assert visit.is_cancelled and visit.sequence == 2
    assert Event.objects.filter(action="visit_cancelled").exists()
    response = client_for(world.learner).get(reverse("planning:visit-detail", args=[visit.pk]))
    assert "Cancelled" in response.content.decode() and "Store closed" in response.content.decode()


def _caseload(world, size: int):
    for n in range(size):
        registration = make_registration(
            world.centre, make_user(full_name=f"Kim Caseload{n}"), assessor=world.assessor, iqa=world.iqa
        )
        schedule_visit(user=world.assessor, data=visit_input(registration, date=DAY + dt.timedelta(days=n % 3)))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("view", ["week", "month"])
def test_calendar_reads_a_fixed_number_of_queries(world, view):
    client = client_for(world.assessor)
    url = f"{reverse('planning:calendar')}?view={view}&date={DAY.isoformat()}"
    _caseload(world, 2)
    small = _count(client, url)
    _caseload(world, 12)
    assert _count(client, url) == small
    page = client.get(url).content.decode()
    assert "Kim Caseload11" in page and "Observe handling a complaint" in page


def test_plan_page_reads_a_fixed_number_of_queries(world):
    from .helpers import criteria_of, item

    client = client_for(world.learner)
    small = make_plan(world.registration, items=[item(criteria_of(world.registration, 2))])
    small_count = _count(client, reverse("planning:plan-detail", args=[small.plan_id]))
    criteria = criteria_of(world.registration, 12)
    large = make_plan(world.registration, items=[item(criteria[i : i + 3]) for i in range(0, 12, 2)], title="Big")
    assert _count(client, reverse("planning:plan-detail", args=[large.plan_id])) == small_count


def test_each_home_page_lists_an_overdue_activity_once_and_later_visits_beside_this_weeks(world):
    """ "Waiting for you" is the one list of to-dos and of this week's visits; planning's panel adds only the visits
    after this week, so nothing shows twice."""
    from .helpers import criteria_of, item

    today = dt.date.today()
    make_plan(world.registration, items=[item(criteria_of(world.registration, 1), due_on=today - dt.timedelta(days=3))])
    schedule_visit(user=world.assessor, data=visit_input(world.registration, date=today, purpose="Observe this week"))
    later = visit_input(world.registration, date=today + dt.timedelta(days=8), purpose="Observe next time")
    schedule_visit(user=world.assessor, data=later)
    learner_home = client_for(world.learner).get(reverse("home")).content.decode()
    assert learner_home.count("Observe a customer complaint") == 1
    assert "Plan activity overdue: Observe a customer complaint" in learner_home
    assert learner_home.count("Observe this week") == 1 and learner_home.count("Observe next time") == 1
    assert "Your visits after this week" in learner_home and "Overdue plan activities" not in learner_home
    assessor_home = client_for(world.assessor).get(reverse("home")).content.decode()
    assert assessor_home.count("Observe a customer complaint") == 1
    assert "Plan activity overdue for Lena Learner: Observe a customer complaint" in assessor_home
    assert assessor_home.count("Observe this week") == 1 and assessor_home.count("Observe next time") == 1


def test_the_later_visits_on_home_pages_read_a_fixed_number_of_queries(world):
    later = dt.date.today() + dt.timedelta(days=8)

    def visits(n: int) -> None:
        for i in range(n):
            registration = make_registration(
                world.centre, make_user(full_name=f"Kim Later{n}{i}"), assessor=world.assessor, iqa=world.iqa
            )
            data = visit_input(world.registration, registration, date=later + dt.timedelta(days=i % 3))
            schedule_visit(user=world.assessor, data=data)

    learner, assessor = client_for(world.learner), client_for(world.assessor)
    visits(1)
    learner.get(reverse("home"))
    assessor.get(reverse("home"))
    small = (_count(learner, reverse("home")), _count(assessor, reverse("home")))
    visits(4)
    assert (_count(learner, reverse("home")), _count(assessor, reverse("home"))) == small
    assert "Kim Later43" in assessor.get(reverse("home")).content.decode()


def test_ical_feed_parses_back_with_first_names_and_places_only(world):
    world.learner.full_name = "Lena Learner-Smith"
    world.learner.save()
    visit = schedule_visit(user=world.assessor, data=visit_input(world.registration))
    cancelled = schedule_visit(user=world.assessor, data=visit_input(world.registration, date=DAY + dt.timedelta(1)))
    cancel_visit(visit=cancelled, user=world.assessor, reason="Ill")
    feed = new_feed(user=world.assessor)
    response = Client().get(reverse("planning:ical", args=[feed.token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content
    assert b"\r\n" in body and all(len(line) <= 75 for line in body.split(b"\r\n"))
    parsed = Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    event = next(e for uid, e in events.items() if uid.startswith(f"visit-{visit.pk}@"))
    assert str(event["summary"]) == "Assessment visit: Lena"
    assert str(event["location"]) == "Northgate Store, Leeds"
    assert event.decoded("dtstart").date() == DAY
    assert str(events[next(u for u in events if u.startswith(f"visit-{cancelled.pk}@"))]["status"]) == "CANCELLED"
    text = body.decode()
    for private in ("Learner-Smith", world.learner.email, world.assessor.email, "complaint"):
        assert private not in text
    # the learner's own feed names the assessor by first name only
    learner_feed = new_feed(user=world.learner)
    learner_text = Client().get(reverse("planning:ical", args=[learner_feed.token])).content.decode()
    assert f"Assessment visit with {world.assessor.full_name.split()[0]}" in learner_text
    assert world.assessor.full_name not in learner_text.replace(f"with {world.assessor.full_name.split()[0]}", "")


def test_revoked_or_replaced_token_gives_404(world):
    first = new_feed(user=world.learner)
    url = reverse("planning:ical", args=[first.token])
    assert Client().get(url).status_code == 200
    second = new_feed(user=world.learner)
    assert Client().get(url).status_code == 404
    revoke_feed(user=world.learner)
    assert Client().get(reverse("planning:ical", args=[second.token])).status_code == 404
    assert Client().get(reverse("planning:ical", args=["not-a-token"])).status_code == 404


def test_schedule_page_refuses_another_centres_learner_with_a_message(world):
    response = client_for(world.assessor).post(
        reverse("planning:visit-create"),
        {
            "date": DAY.isoformat(),
            "starts_at": "10:00",
            "ends_at": "11:00",
            "registrations": [world.other_centre_registration.pk],
            "purpose": "Observation",
            "place": "Store",
        },
    )
    assert response.status_code == 200
    assert "You can only schedule visits with active learners you assess." in response.content.decode()
    assert not Visit.objects.exists()


def test_plan_page_refuses_a_criterion_outside_the_registration_with_a_message(world):
    from planning.models import AssessmentPlan
    from qualifications.models import AssessmentCriterion

    from .helpers import method

    outside = AssessmentCriterion.objects.exclude(unit__in=world.registration.plan.values("unit_id")).first()
    response = client_for(world.assessor).post(
        reverse("planning:plan-create", args=[world.registration.pk]),
        {
            "title": "Plan",
            "item-TOTAL_FORMS": "1",
            "item-INITIAL_FORMS": "0",
            "item-0-activity": "Observe",
            "item-0-criteria": [outside.pk],
            "item-0-methods": [method("Obs").pk],
            "item-0-recorded_by": "assessor",
            "item-0-due_on": DAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "only target criteria of this learner&#x27;s units and pathway" in response.content.decode()
    assert not AssessmentPlan.objects.exists()


@pytest.mark.parametrize("bad", ["²", "1" * 19, "-1", "x"])
def test_hostile_ids_are_refused_on_the_forms_and_store_nothing(world, bad):
    from planning.models import AssessmentPlan

    client = client_for(world.assessor)
    response = client.post(
        reverse("planning:visit-create"),
        {
            "date": DAY.isoformat(),
            "starts_at": "10:00",
            "ends_at": "11:00",
            "registrations": [bad],
            "purpose": "P",
            "place": "Store",
        },
    )
    assert response.status_code == 200 and not Visit.objects.exists()
    response = client.post(
        reverse("planning:plan-create", args=[world.registration.pk]),
        {
            "title": "Plan",
            "item-TOTAL_FORMS": "1",
            "item-INITIAL_FORMS": "0",
            "item-0-activity": "Observe",
            "item-0-criteria": [bad],
            "item-0-recorded_by": "assessor",
            "item-0-due_on": DAY.isoformat(),
        },
    )
    assert response.status_code == 200 and not AssessmentPlan.objects.exists()
    plan = make_plan(world.registration)
    assert client.get(reverse("planning:plan-detail", args=[plan.plan_id]), {"version": bad}).status_code in (200, 404)


def test_feed_page_shows_makes_and_revokes_the_address(world):
    client = client_for(world.learner)
    assert "You have no calendar address." in client.get(reverse("planning:feed")).content.decode()
    client.post(reverse("planning:feed-new"))
    page = client.get(reverse("planning:feed")).content.decode()
    feed = world.learner.calendar_feeds.get(revoked_at__isnull=True)
    address = reverse("planning:ical", args=[feed.token])
    assert address in page
    assert Client().get(address).status_code == 200
    client.post(reverse("planning:feed-revoke"))
    assert Client().get(address).status_code == 404
    assert "You have no calendar address." in client.get(reverse("planning:feed")).content.decode()
