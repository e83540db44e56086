"""The demo shows a short conversation on one piece of evidence, once however often it is seeded."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from centres.models import Event
from conversations.models import Message, Thread

pytestmark = pytest.mark.django_db


def test_demo_has_one_short_thread_on_a_learners_evidence_and_seeding_again_adds_none():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    thread = Thread.objects.get()
    messages = list(thread.messages.select_related("author"))
    assert len(messages) == 3
    registration = thread.registration
    assert {m.author for m in messages} == {registration.learner, registration.assessor}
    assert Event.objects.filter(action="conversation.message", registration_id=registration.pk).count() == 3
    assert "A conversation on" in out.getvalue()

    evidence = registration.evidence.get(reference=thread.evidence_reference, is_current=True)
    client = Client()
    assert client.login(email=registration.learner.email, password="demo-pass-2026")
    page = client.get(reverse("portfolio:evidence-detail", args=[evidence.pk])).content.decode()
    assert "I will bring it then." in page

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert Message.objects.count() == 3 and Thread.objects.count() == 1
    assert "A conversation on" in out.getvalue()
