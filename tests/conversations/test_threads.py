"""Threads on a piece of evidence and on a unit: who reads, who posts, and that every message is in the history."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import Event
from conversations.models import Message, Thread
from conversations.services import Access, ConversationError, access_to, post_on_evidence, post_on_unit
from core.errors import NotAllowed
from portfolio.services.evidence import new_version
from portfolio.services.judgement import judge_link
from qualifications.models import Unit
from tests.factories import client_for
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

from .helpers import _sample

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    return media_root


@pytest.fixture
def evidence(world):
    return make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2))


def _evidence_url(evidence):
    return reverse("conversations:evidence-thread", args=[evidence.pk])


def _unit_url(registration, unit):
    return reverse("conversations:unit-thread", args=[registration.pk, unit.pk])


def test_learner_and_assessor_talk_about_evidence_and_each_message_is_in_the_history(world, evidence):
    post_on_evidence(actor=world.learner, evidence=evidence, body="Is the log enough for 1.2?")
    post_on_evidence(actor=world.assessor, evidence=evidence, body="Add the customer's reply too.")
    thread = Thread.objects.get(registration=world.registration, evidence_reference=evidence.reference)
    assert [m.author for m in thread.messages.all()] == [world.learner, world.assessor]
    events = Event.objects.filter(action="conversation.message", registration_id=world.registration.pk)
    assert [e.data["body"] for e in events.order_by("id")] == [
        "Is the log enough for 1.2?",
        "Add the customer's reply too.",
    ]
    assert all(e.data["evidence_reference"] == evidence.reference for e in events)


def test_the_thread_runs_on_across_versions(world, evidence):
    post_on_evidence(actor=world.learner, evidence=evidence, body="First version.")
    judge_link(actor=world.assessor, link=evidence.links.first(), accepted=False, feedback="Add the reply.")
    new = new_version(actor=world.learner, evidence=evidence)
    post_on_evidence(actor=world.learner, evidence=new, body="Second version.")
    assert Thread.objects.filter(registration=world.registration).count() == 1
    assert Message.objects.count() == 2


def test_iqa_posts_only_where_they_sampled(world, evidence):
    unit = Unit.objects.get(reference=UNIT_A)
    with pytest.raises(NotAllowed):
        post_on_evidence(actor=world.iqa, evidence=evidence, body="A question.")
    _sample(world, unit)
    post_on_evidence(actor=world.iqa, evidence=evidence, body="Which customer was this?")
    post_on_unit(actor=world.iqa, registration=world.registration, unit=unit, body="Sampled this unit.")
    other_unit = world.registration.plan.exclude(unit=unit).first().unit
    assert access_to(world.iqa, world.registration, [other_unit.pk]) == Access.NONE


def test_centre_admin_reads_but_does_not_post(world, evidence):
    post_on_evidence(actor=world.learner, evidence=evidence, body="Hello.")
    assert access_to(world.admin, world.registration, [evidence.links.first().criterion.unit_id]) == Access.READ
    admin = client_for(world.admin)
    page = admin.get(reverse("portfolio:evidence-detail", args=[evidence.pk]))
    assert "Hello." in page.content.decode()
    assert 'name="body"' not in page.content.decode()
    assert admin.post(_evidence_url(evidence), {"body": "Admin here."}).status_code == 403
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_assessor", 404), ("other_learner", 404), ("other_admin", 404), ("trainee", 404), ("iqa", 403)],
)
def test_people_outside_the_thread_are_refused(world, evidence, who, status):
    client = client_for(getattr(world, who))
    assert client.get(_evidence_url(evidence)).status_code == status
    assert client.post(_evidence_url(evidence), {"body": "Let me in."}).status_code == status
    unit = Unit.objects.get(reference=UNIT_A)
    assert client.post(_unit_url(world.registration, unit), {"body": "Let me in."}).status_code == status
    assert not Message.objects.exists()


def test_eqa_and_anonymous_are_refused(world, evidence):
    assert client_for(world.eqa).get(_evidence_url(evidence)).status_code == 404
    response = Client().post(_evidence_url(evidence), {"body": "Hi"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_learner_replies_from_the_evidence_page(world, evidence):
    learner = client_for(world.learner)
    page = learner.get(reverse("portfolio:evidence-detail", args=[evidence.pk])).content.decode()
    assert "Conversation" in page and 'name="body"' in page
    response = learner.post(_evidence_url(evidence), {"body": "I have added the reply."})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portfolio:evidence-detail", args=[evidence.pk]))
    assert Message.objects.get().body == "I have added the reply."


def test_unit_thread_shows_on_the_unit_progress_page(world):
    unit = Unit.objects.get(reference=UNIT_A)
    post_on_unit(actor=world.assessor, registration=world.registration, unit=unit, body="Plan an observation.")
    page = client_for(world.learner).get(reverse("portfolio:unit-progress", args=[world.registration.pk, unit.pk]))
    assert "Plan an observation." in page.content.decode()
    assert Event.objects.filter(action="conversation.message", data__unit_id=unit.pk).exists()


def test_unit_not_on_the_registration_is_404(world):
    unit = Unit.objects.exclude(pk__in=world.registration.plan.values("unit_id")).first()
    assert client_for(world.learner).get(_unit_url(world.registration, unit)).status_code == 404


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001, "bad\x00byte"])
def test_bad_messages_are_refused_and_nothing_is_stored(world, evidence, body):
    with pytest.raises(ConversationError):
        post_on_evidence(actor=world.learner, evidence=evidence, body=body)
    assert not Message.objects.exists() and not Thread.objects.exists()
    assert not Event.objects.filter(action="conversation.message").exists()


def test_a_refused_post_shows_the_message_and_stores_nothing(world, evidence):
    response = client_for(world.learner).post(_evidence_url(evidence), {"body": "  "})
    assert response.status_code == 200
    assert "Write a message first." in response.content.decode()
    assert not Message.objects.exists()


def test_a_message_cannot_be_changed_or_deleted_in_code(world, evidence):
    message = post_on_evidence(actor=world.learner, evidence=evidence, body="Kept.")
    message.body = "Changed."
    for attempt in (
        message.save,
        message.delete,
        Message.objects.all().delete,
        lambda: Message.objects.update(body=""),
    ):
        with pytest.raises(TypeError, match="only ever added"):
            attempt()
    assert Message.objects.get().body == "Kept."


def test_messages_cannot_be_edited_or_deleted_through_any_url(world, evidence):
    from django.urls import get_resolver

    names = [name for name in get_resolver().reverse_dict if isinstance(name, str) and "conversations" in name]
    assert not [name for name in names if "edit" in name or "delete" in name]


def _queries_for_evidence_page(client, evidence) -> int:
    url = reverse("portfolio:evidence-detail", args=[evidence.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_thread_reads_in_fixed_queries_whatever_its_length(world, evidence):
    learner = client_for(world.learner)
    post_on_evidence(actor=world.learner, evidence=evidence, body="One.")
    few = _queries_for_evidence_page(learner, evidence)
    for number in range(20):
        post_on_evidence(actor=world.assessor if number % 2 else world.learner, evidence=evidence, body=f"{number}")
    assert _queries_for_evidence_page(learner, evidence) == few
