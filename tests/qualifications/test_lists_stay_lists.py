"""Lists stay lists: the bulleted items that the specifications print in guidance, amplification, range, types of
evidence and the rules of combination are stored one per line and shown as <ul> lists, not run into a sentence."""

import pytest
from django.urls import reverse

from qualifications.models import LearningOutcome, Qualification, Unit, text_blocks
from tests.factories import client_for

pytestmark = pytest.mark.django_db

NVQ = "600/5469/4"
NVQ_RULES_LIST = (
    '<ul class="mb-1"><li>all units contained within the mandatory group</li>'
    "<li>a minimum of 20 credits from the optional units in groups A-D</li></ul>"
)


def test_text_blocks_split_paragraphs_items_and_items_within_items():
    blocks = text_blocks("Lead:\n• one\n◦ one, a\n◦ one, b\n• two\nAfter")
    assert [block.text for block in blocks] == ["Lead:", "", "After"]
    items = blocks[1].items
    assert [(item.text, item.items) for item in items] == [("one", ["one, a", "one, b"]), ("two", [])]
    assert text_blocks("") == []
    assert [block.text for block in text_blocks("One paragraph only")] == ["One paragraph only"]


def test_rules_of_the_nvq_are_stored_as_a_lead_two_items_and_a_last_rule():
    rules = Qualification.objects.get(number=NVQ).rules_text
    assert rules.splitlines() == [
        "To complete the Highfield Level 2 NVQ Certificate in Customer Service (RQF), learners must complete the "
        "following",
        "• all units contained within the mandatory group",
        "• a minimum of 20 credits from the optional units in groups A-D",
        "At least one unit must be chosen from each of the optional groups",
    ]


def test_qualification_page_shows_the_rules_as_a_list_and_says_the_repeated_words_once(client):
    nvq = Qualification.objects.get(number=NVQ)
    html = client.get(reverse("qualifications:detail", args=[nvq.pk])).content.decode()
    assert NVQ_RULES_LIST in html
    assert "learners must complete learners must complete" not in html.split("Catalogue notes")[0]
    # the repetition is recorded, with what was printed
    assert "learners must complete learners must complete the following" in html.split("Catalogue notes")[1]


def test_registration_page_shows_the_rules_as_a_list(world):
    nvq = Qualification.objects.get(number=NVQ)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    html = client_for(world.admin).get(url, {"qualification": nvq.pk}).content.decode()
    assert NVQ_RULES_LIST in html
    assert "learners must complete learners must complete" not in html
    assert "the following all units" not in html


def test_unit_page_shows_amplification_terms_with_their_items(client):
    unit = Unit.objects.get(reference="A/617/6445")
    assert unit.amplification.splitlines() == ["• Clear and coherent manner", "◦ i.e. without the use of jargon"]
    html = client.get(reverse("qualifications:unit", args=[unit.pk])).content.decode()
    assert (
        '<ul class=""><li>Clear and coherent manner<ul><li>i.e. without the use of jargon</li></ul></li></ul>' in html
    )


def test_unit_page_shows_highfield_range_as_a_list(client):
    unit = Unit.objects.get(reference="T/617/5410")
    html = client.get(reverse("qualifications:unit", args=[unit.pk])).content.decode()
    assert "<li>Potential factors:<ul><li>Advertising, previous experiences, word of mouth</li></ul></li>" in html


def test_unit_guidance_keeps_its_printed_paragraphs(client):
    unit = Unit.objects.get(reference="J/600/0658")
    assert len(unit.guidance.splitlines()) == 9
    html = client.get(reverse("qualifications:unit", args=[unit.pk])).content.decode()
    assert '<p class="">Suitable evidence may include:</p>' in html


def test_ncfe_types_of_evidence_are_a_list(client):
    outcome = LearningOutcome.objects.get(unit__reference="F/618/0500", number="1")
    assert outcome.types_of_evidence.splitlines()[:3] == [
        "Evidence could include:",
        "• written report",
        "• reflective account",
    ]
    html = client.get(reverse("qualifications:unit", args=[outcome.unit_id])).content.decode()
    assert (
        "<li>annotated products (including personal development plan and/or appraisal documents)</li>"
        "<li>professional discussion.</li></ul>"
    ) in html
