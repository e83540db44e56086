"""The bell, the list of notifications (newest first, paginated, read and unread) and the email choices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import kinds
from notifications.kinds import Delivery
from notifications.models import Notification
from notifications.services import notify, preferences_of
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def _notices(world, count, recipient=None):
    recipient = recipient or world.learner
    return [
        notify(recipient, kinds.EVIDENCE_JUDGED, centre=world.centre, title=f"Evidence E{n} was judged", url="/")
        for n in range(count)
    ]


def test_the_bell_shows_the_unread_count(world):
    _notices(world, 3)
    page = client_for(world.learner).get(reverse("home")).content.decode()
    assert 'data-unread="3"' in page
    assert "Notifications, 3 unread" in page
    assert 'data-unread="0"' in client_for(world.assessor).get(reverse("home")).content.decode()


def test_the_bells_count_comes_with_the_session_and_follows_each_change(world):
    _notices(world, 3)
    client = client_for(world.learner)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("home")).content.decode()
    assert 'data-unread="3"' in page
    # The count is read in the session's query, not in one of its own.
    assert not [query for query in captured if query["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "notif')]
    notification = Notification.objects.filter(recipient=world.learner).first()
    client.post(reverse("notifications:open", args=[notification.pk]))
    assert 'data-unread="2"' in client.get(reverse("home")).content.decode()
    _notices(world, 1)
    assert 'data-unread="3"' in client.get(reverse("home")).content.decode()
    client.post(reverse("notifications:read-all"))
    assert 'data-unread="0"' in client.get(reverse("home")).content.decode()


def test_the_list_is_newest_first_and_only_the_persons_own(world):
    _notices(world, 2)
    notify(world.other_learner, kinds.EVIDENCE_JUDGED, centre=world.centre, title="Someone else's", url="/")
    page = client_for(world.learner).get(reverse("notifications:list")).content.decode()
    assert page.index("Evidence E1 was judged") < page.index("Evidence E0 was judged")
    assert "Someone else" not in page


def test_the_list_is_paginated(world):
    _notices(world, 30)
    client = client_for(world.learner)
    first = client.get(reverse("notifications:list")).content.decode()
    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    assert "Evidence E29 was judged" in first and "Evidence E0 was judged" not in first
    assert "Evidence E0 was judged" in second


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(world):
    notification = notify(
        world.learner, kinds.EVIDENCE_JUDGED, centre=world.centre, title="E1", url=reverse("portfolio:my-portfolio")
    )
    response = client_for(world.learner).post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("portfolio:my-portfolio")
    notification.refresh_from_db()
    assert notification.is_read


def test_an_outside_address_is_never_followed(world):
    notification = notify(
        world.learner, kinds.EVIDENCE_JUDGED, centre=world.centre, title="E1", url="https://evil.example/"
    )
    response = client_for(world.learner).post(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_another_persons_notification_is_a_404(world):
    (notification,) = _notices(world, 1)
    client = client_for(world.other_learner)
    assert client.post(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_mark_read_and_mark_all_read(world):
    first, _second, _third = _notices(world, 3)
    client = client_for(world.learner)
    client.post(reverse("notifications:read", args=[first.pk]))
    assert Notification.objects.unread().filter(recipient=world.learner).count() == 2
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.unread().filter(recipient=world.learner).exists()


def test_the_settings_page_saves_each_choice(world):
    client = client_for(world.learner)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "Decision and feedback" in page and "Daily digest email" in page
    response = client.post(
        reverse("notifications:settings"), {"kind-evidence_judged": "digest", "kind-eqa_comment": "off"}
    )
    assert response.status_code == 302
    choices = preferences_of(world.learner)
    assert choices[kinds.EVIDENCE_JUDGED] == Delivery.DIGEST
    assert choices[kinds.EQA_COMMENT] == Delivery.OFF
    assert choices[kinds.EVIDENCE_SUBMITTED] == Delivery.IMMEDIATE


def test_the_settings_page_refuses_an_unknown_choice(world):
    client = client_for(world.learner)
    response = client.post(reverse("notifications:settings"), {"kind-evidence_judged": "hourly"}, follow=True)
    assert "Choose one of the options" in response.content.decode()
    assert preferences_of(world.learner)[kinds.EVIDENCE_JUDGED] == Delivery.IMMEDIATE


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_list_queries_do_not_grow(world):
    client = client_for(world.learner)
    url = reverse("notifications:list")
    _notices(world, 2)
    client.get(url)  # warm the session
    small = _queries(client, url)
    _notices(world, 60)
    large = _queries(client, url)
    # The session and user, the roles, the page's count and rows, the bell's count.
    assert small == large <= 7, (small, large)
