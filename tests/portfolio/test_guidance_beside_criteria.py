"""The specifications' guidance where the work happens: beside each criterion on the learner's linking page, the
assessor's judging page and the unit page; guidance printed for a whole learning outcome or unit shown once above
its criteria; anything long folded (<details>, which opens without JavaScript)."""

import pytest
from django.urls import reverse

from qualifications.guidance import choice_advice, is_long
from qualifications.models import AssessmentCriterion, LearningOutcome, Unit
from tests.factories import make_registration
from tests.page_text import places as _places
from tests.page_text import shown_folded as _shown_folded
from tests.page_text import shown_open as _shown_open
from tests.portfolio.helpers import login, make_evidence

NCFE = "603/5681/9"
NCFE_UNIT = "F/618/0495"
HIGHFIELD_UNIT = "J/600/0658"  # on every factory registration (the Certificate, 600/5472/4)


def _criterion(unit: str, code: str) -> AssessmentCriterion:
    return AssessmentCriterion.objects.get(unit__reference=unit, code=code)


@pytest.fixture
def ncfe_registration(world):
    return make_registration(world.centre, assessor=world.assessor, iqa=world.iqa, qualification=NCFE)


def _link_page(client, world, registration, criteria):
    evidence = make_evidence(registration, criteria=criteria, submit=False)
    login(client, registration.learner)
    return client.get(reverse("portfolio:evidence-link", args=[evidence.pk])).content.decode()


def _judge_page(client, world, registration, criteria):
    evidence = make_evidence(registration, criteria=criteria)
    login(client, world.assessor)
    return client.get(reverse("portfolio:evidence-judge", args=[evidence.pk])).content.decode()


PAGES = {"link": _link_page, "judge": _judge_page}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_highfield_suitable_evidence_stands_open_beside_its_criterion(client, world, page):
    criterion = _criterion(HIGHFIELD_UNIT, "1.4")
    assert criterion.guidance == "Completed customer record(s)"
    html = PAGES[page](client, world, world.registration, [criterion])
    assert _shown_open(html, "Completed customer record(s)")
    assert "Suitable evidence" in html  # named as Highfield prints it


@pytest.mark.parametrize("page", sorted(PAGES))
def test_highfield_unit_guidance_is_shown_once_and_folded(client, world, page):
    unit = Unit.objects.get(reference=HIGHFIELD_UNIT)
    assert is_long(unit.guidance)
    criteria = [_criterion(HIGHFIELD_UNIT, "1.4"), _criterion(HIGHFIELD_UNIT, "3.1")]
    html = PAGES[page](client, world, world.registration, criteria)
    sentence = "A scenario can be created to allow learners to achieve all criteria."
    assert len(_places(html, sentence)) == 1
    assert _shown_folded(html, sentence)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_ncfe_key_words_and_types_of_evidence_are_shown_once_per_learning_outcome(
    client, world, ncfe_registration, page
):
    outcome = LearningOutcome.objects.get(unit__reference=NCFE_UNIT, number="1")
    criteria = [_criterion(NCFE_UNIT, "1.1"), _criterion(NCFE_UNIT, "1.2"), _criterion(NCFE_UNIT, "1.3")]
    html = PAGES[page](client, world, ncfe_registration, criteria)
    key_words = "Customer journey: awareness, engagement, conversion, retention and loyalty"
    assert outcome.amplification == key_words
    # Once for the outcome, not once per criterion. The linking page lists every unit of the plan, and NCFE prints
    # the same key words for outcomes of other units too: once for each of those outcomes.
    outcomes_shown = 1
    if page == "link":
        outcomes_shown = LearningOutcome.objects.filter(
            unit__in=ncfe_registration.units.all(), amplification__contains=key_words
        ).count()
        assert outcomes_shown > 1
    assert len(_places(html, key_words)) == outcomes_shown
    assert _shown_open(html, key_words)  # short: left open
    assert "Key words" in html and "Types of evidence" in html  # named as NCFE prints them
    # The types of evidence are a printed list of four lines: folded, and still a list.
    assert is_long(outcome.types_of_evidence)
    assert _shown_folded(html, "professional discussion.")
    assert any("li" in stack for stack in _places(html, "professional discussion."))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_ncfe_delivery_and_assessment_beside_each_criterion_folded_only_when_long(
    client, world, ncfe_registration, page
):
    short, long = _criterion(NCFE_UNIT, "1.1"), _criterion(NCFE_UNIT, "2.1")
    assert not is_long(short.guidance) and is_long(long.guidance)
    html = PAGES[page](client, world, ncfe_registration, [short, long])
    assert _shown_open(html, short.guidance)
    assert _shown_folded(html, long.guidance)
    assert "Delivery and assessment" in html


def test_evidence_page_shows_each_linked_criterions_guidance(client, world, ncfe_registration):
    short, long = _criterion(NCFE_UNIT, "1.1"), _criterion(NCFE_UNIT, "2.1")
    evidence = make_evidence(ncfe_registration, criteria=[short, long])
    login(client, ncfe_registration.learner)
    html = client.get(reverse("portfolio:evidence-detail", args=[evidence.pk])).content.decode()
    assert _shown_open(html, short.guidance)
    assert _shown_folded(html, long.guidance)


def test_unit_page_shows_outcome_and_criterion_guidance(client, world, ncfe_registration):
    login(client, ncfe_registration.learner)
    unit = Unit.objects.get(reference=NCFE_UNIT)
    html = client.get(reverse("portfolio:unit-progress", args=[ncfe_registration.pk, unit.pk])).content.decode()
    assert len(_places(html, "Customer journey: awareness, engagement")) == 1
    assert _shown_open(html, _criterion(NCFE_UNIT, "1.1").guidance)
    assert _shown_folded(html, _criterion(NCFE_UNIT, "2.1").guidance)


def test_criteria_without_guidance_get_no_empty_guidance_box(client, world):
    criterion = _criterion("J/600/1003", "1.1")
    assert not criterion.guidance and not criterion.amplification
    html = _judge_page(client, world, world.registration, [criterion])
    assert "Suitable evidence" not in html and 'class="guidance' not in html


def test_long_means_more_than_three_lines_or_240_characters():
    assert not is_long("Completed customer record(s)")
    assert not is_long("Evidence could include:\n• written answers\n• oral questioning")
    assert is_long("Evidence could include:\n• written answers\n• oral questioning\n• professional discussion.")
    assert is_long("word " * 50)


@pytest.mark.django_db
def test_choosing_advice_is_quoted_word_for_word_from_the_unit_introduction():
    summary = Unit.objects.get(reference="D/601/0936").summary
    assert choice_advice(summary) == [
        "Learners should not choose this unit if their organisation does not want them to suggest additional "
        "services or products to customers."
    ]
    assert choice_advice(Unit.objects.get(reference="A/601/1219").summary) == [
        "The learner should choose this unit if they frequently deal across a language divide.",
        "The learner should not choose this unit if they come across customers who do not share their first "
        "language only occasionally.",
    ]
    assert choice_advice(Unit.objects.get(reference="M/601/1511").summary) == []  # "choose a way", not the unit
