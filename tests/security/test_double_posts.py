"""A form posted twice (a double click, a resent request) makes one EQA share and one witness invitation, and
says so; a different request still makes a second."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portfolio.models import EqaShare, WitnessInvitation

pytestmark = pytest.mark.django_db

WITNESS = {
    "name": "Dana Reid",
    "job_title": "Store manager",
    "relationship": "Line manager",
    "email": "dana@example.com",
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def share_post(world, days: int = 30) -> dict:
    today = timezone.localdate()
    return {
        "eqa": world.eqa.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=days)).isoformat(),
        "items": [str(world.registration.pk)],
    }


def test_double_posted_share_makes_one_and_says_so(world):
    client = client_for(world.admin)
    url = reverse("quality:share-create", args=[world.centre.pk])
    first = client.post(url, share_post(world))
    second = client.post(url, share_post(world), follow=True)
    share = EqaShare.objects.get()
    assert first.url == reverse("quality:share-detail", args=[share.pk])
    assert second.redirect_chain[0][0] == first.url
    assert "was made a moment ago; it was not made a second time" in second.content.decode()
    assert share.items.count() == 1


def test_a_different_share_posted_after_is_made(world):
    client = client_for(world.admin)
    url = reverse("quality:share-create", args=[world.centre.pk])
    client.post(url, share_post(world, days=30))
    client.post(url, share_post(world, days=60))
    assert EqaShare.objects.count() == 2


def test_the_same_share_after_the_first_was_revoked_is_made_again(world):
    client = client_for(world.admin)
    url = reverse("quality:share-create", args=[world.centre.pk])
    client.post(url, share_post(world))
    EqaShare.objects.update(revoked_at=timezone.now())
    client.post(url, share_post(world))
    assert EqaShare.objects.count() == 2


def test_double_posted_witness_invitation_makes_one_and_sends_one_email(world, django_capture_on_commit_callbacks):
    client = client_for(world.learner)
    url = reverse("portfolio:witness-invite", args=[world.registration.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, WITNESS)
        second = client.post(url, WITNESS, follow=True)
    assert WitnessInvitation.objects.filter(registration=world.registration).count() == 1
    assert len(mail.outbox) == 1
    assert "was invited a moment ago; the same invitation was not sent a second time" in second.content.decode()


def test_inviting_another_witness_makes_a_second_invitation(world, django_capture_on_commit_callbacks):
    client = client_for(world.learner)
    url = reverse("portfolio:witness-invite", args=[world.registration.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, WITNESS)
        client.post(url, WITNESS | {"email": "sam@example.com", "name": "Sam Lee"})
    assert WitnessInvitation.objects.filter(registration=world.registration).count() == 2
    assert len(mail.outbox) == 2


def test_the_same_witness_invited_after_the_window_is_invited_again(world):
    client = client_for(world.learner)
    url = reverse("portfolio:witness-invite", args=[world.registration.pk])
    client.post(url, WITNESS)
    WitnessInvitation.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    client.post(url, WITNESS)
    assert WitnessInvitation.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_invitations_at_the_same_moment_make_one(catalogue):
    """Two requests invite the same witness at once: the row lock takes them one after the other."""
    import threading

    from django.db import connection, connections

    from tests.factories import build_world

    if connection.vendor != "postgresql":
        pytest.skip("Concurrent requests are tested on PostgreSQL (CI); SQLite serialises every write.")
    world = build_world()
    url = reverse("portfolio:witness-invite", args=[world.registration.pk])
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def attempt():
        try:
            client = client_for(world.learner)
            barrier.wait(timeout=10)
            statuses.append(client.post(url, WITNESS).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302, 302]
    assert WitnessInvitation.objects.filter(registration=world.registration).count() == 1
