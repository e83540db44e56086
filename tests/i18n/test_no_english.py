"""A learner (and the staff who work with them) reading in Welsh meets no English sentence of ours.

The English to look for is our own catalogue: every message with a Welsh translation that differs from it, cut at
its placeholders into phrases of three words or more. A Welsh page must show none of them (qualification content is
the specification's own English and is not in the catalogue); the same page in English shows many of them, so the
check can fail."""

import html
import re

import pytest
from django.urls import reverse

from conversations.services import post_on_evidence
from observations.services.recording import record_observation
from observations.services.signatures import SignatureInput
from portfolio.services.judgement import LinkJudgement, judge_evidence
from qualifications.models import Unit
from tests.factories import client_for
from tests.observations.helpers import record_input
from tests.planning.helpers import make_plan
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

from .conftest import PO
from .helpers import _entries

# Our words that are also the specifications' own: the RPL assessment method is named so in the catalogue.
SPECIFICATION_WORDS = ("Recognition of prior learning",)


def _english_phrases() -> set[str]:
    phrases = set()
    for entry in _entries(PO.read_text(encoding="utf-8"))[1:]:
        english = entry["msgid"]
        welsh = entry.get("msgstr") or entry.get("msgstr[0]", "")
        if not welsh or welsh == english:
            continue
        for piece in re.split(r"%\(\w+\)[sd]|\\n|\{\w+\}", english.replace("%%", "%")):
            piece = piece.replace('\\"', '"').strip(" .,:;·()–—")
            if len(piece.split()) >= 3 and not piece.startswith(SPECIFICATION_WORDS):
                phrases.add(piece)
    return phrases


ENGLISH = _english_phrases()


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


def _english_in(client, url: str) -> list[str]:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    text = _visible_text(response.content.decode())
    return sorted(phrase for phrase in ENGLISH if phrase in text)


def _learner_pages(world) -> dict[str, str]:
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2))
    unit = Unit.objects.get(reference=UNIT_A)
    registration = world.registration.pk
    # The pages of the apps merged later: an assessment plan, a notification (the assessor judged a piece, in
    # English), a thread on the evidence and an observation record waiting for the learner's confirmation.
    plan = make_plan(world.registration)
    judged = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), submit=True)
    judge_evidence(
        actor=world.assessor,
        evidence=judged,
        judgements=[LinkJudgement(link_id=link.pk, accepted=True) for link in judged.links.all()],
        feedback="Clear photographs.",
    )
    post_on_evidence(actor=world.assessor, evidence=evidence, body="Add the date of the visit, please.")
    observation = record_observation(
        actor=world.assessor,
        registration=world.registration,
        data=record_input(criteria_of(UNIT_A, 1), files=[]),
        learner_confirms_later=True,
        learner=SignatureInput(),
    )
    return {
        "home": reverse("home"),
        "my portfolio": reverse("portfolio:my-portfolio"),  # one registration: it opens that portfolio
        "evidence form": reverse("portfolio:evidence-create", args=[registration]),
        "evidence": reverse("portfolio:evidence-detail", args=[evidence.pk]),
        "linking": reverse("portfolio:evidence-link", args=[evidence.pk]),
        "unit progress": reverse("portfolio:unit-progress", args=[registration, unit.pk]),
        "evidence map": reverse("portfolio:evidence-map", args=[registration]),
        "tracking sheets": reverse("tracking:registration", args=[registration]),
        "sheet": reverse("tracking:sheet", args=[registration, unit.pk]),
        "assessment plan": reverse("planning:plan-detail", args=[plan.pk]),
        "notifications": reverse("notifications:list"),
        "notification choices": reverse("notifications:settings"),
        "evidence thread": reverse("conversations:evidence-thread", args=[evidence.pk]),
        "observation record": reverse("portfolio:evidence-detail", args=[observation.evidence_id]),
    }


def test_the_catalogue_gives_enough_english_to_look_for():
    assert len(ENGLISH) > 500
    assert "Save and continue" in ENGLISH and "Units ready for your signature" in ENGLISH


def test_a_welsh_learner_meets_no_english_sentence_of_ours(world, welsh_learner):
    client = client_for(welsh_learner)
    found = {name: _english_in(client, url) for name, url in _learner_pages(world).items()}
    assert not any(found.values()), {name: phrases for name, phrases in found.items() if phrases}


def test_the_same_pages_in_english_show_the_phrases_looked_for(world):
    client = client_for(world.learner)
    for name, url in _learner_pages(world).items():
        assert len(_english_in(client, url)) >= 3, name


@pytest.mark.parametrize("actor", ["assessor", "iqa", "admin"])
def test_staff_reading_welsh_meet_no_english_sentence_of_ours_on_their_main_pages(world, actor):
    # The factory names staff after their role ("Internal quality assurer 3"): a name, not our sentence.
    world.iqa.full_name = "Iolo Ansawdd"
    world.iqa.save(update_fields=["full_name"])
    person = getattr(world, actor)
    person.language = "cy"
    person.save(update_fields=["language"])
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2), submit=True)
    registration = world.registration.pk
    pages = {
        "home": reverse("home"),
        "learners": reverse("portfolio:registration-list"),
        "registration": reverse("portfolio:registration-detail", args=[registration]),
        "portfolio": reverse("portfolio:registration-portfolio", args=[registration]),
        "evidence": reverse("portfolio:evidence-detail", args=[evidence.pk]),
        "tracking sheets": reverse("tracking:registration", args=[registration]),
    }
    if actor == "assessor":
        pages["queue"] = reverse("portfolio:assessor-queue")
        pages["judge"] = reverse("portfolio:evidence-judge", args=[evidence.pk])
        pages["caseload"] = reverse("dashboard:caseload")
    if actor == "admin":
        pages["overview"] = reverse("dashboard:centre-overview", args=[world.centre.pk])
        pages["staff"] = reverse("centres:staff-list", args=[world.centre.pk])
    client = client_for(person)
    found = {name: _english_in(client, url) for name, url in pages.items()}
    assert not any(found.values()), {name: phrases for name, phrases in found.items() if phrases}
