"""A piece of evidence's history reads in the reader's language, while the stored record stays as recorded."""

from django.urls import reverse
from django.utils import translation

from centres.models import Event
from portfolio.history import DESCRIBE, describe
from tests.factories import client_for
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

# The actions whose sentence says what the stored English summary says, word for word.
SAME_AS_RECORDED = ("evidence.created", "evidence.linked", "evidence.submitted", "link.judged")


def _events(evidence):
    return list(Event.objects.filter(data__evidence_reference=evidence.reference).order_by("at", "id"))


def test_in_english_an_entry_says_what_was_recorded(world):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2))
    client_for(world.assessor).post(
        reverse("portfolio:evidence-judge", args=[evidence.pk]),
        {f"decision-{link.pk}": "accept" for link in evidence.links.all()} | {"confirm_vacs": "on"},
    )
    events = [event for event in _events(evidence) if event.action in SAME_AS_RECORDED]
    assert {event.action for event in events} >= {"evidence.created", "link.judged"}
    with translation.override("en-gb"):
        for event in events:
            assert describe(event) == event.summary, event.action


def test_a_welsh_learner_reads_their_evidence_history_in_welsh(world, welsh_learner):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1))
    created = Event.objects.get(action="evidence.created", data__evidence_reference=evidence.reference)
    page = client_for(welsh_learner).get(reverse("portfolio:evidence-detail", args=[evidence.pk])).content.decode()
    with translation.override("cy"):
        welsh = describe(created)
    assert welsh != created.summary and welsh in page
    assert created.summary not in page
    created.refresh_from_db()
    assert created.summary.startswith("Added evidence ")  # the record itself is unchanged


def test_an_entry_without_the_data_its_sentence_needs_shows_what_was_recorded(world):
    event = Event(action="evidence.withdrawn", summary="Withdrew evidence 4: duplicate", data={})
    assert describe(event) == "Withdrew evidence 4: duplicate"
    assert describe(Event(action="something.else", summary="As recorded", data={})) == "As recorded"
    assert "evidence.created" in DESCRIBE
