"""The catalogue in the database against its sources: the fixture files (every unit's outcomes and criteria) and
the specification texts (texts found there word for word, and hand-checked spot checks).

The seeds are copies kept in the repository, in tests/qualifications/seeds (see seed_paths.py)."""

import re

import pytest
from django.db.models import Count

from qualifications.models import AssessmentCriterion, CatalogueNote, LearningOutcome, Unit
from qualifications.services.catalogue import normalise, read_fixtures
from tests.qualifications.seed_paths import find_seeds

pytestmark = pytest.mark.django_db

SEEDS = find_seeds()

# The table header that the PDFs repeat at each page break, cutting through criteria that straddle a page.
PAGE_HEADER = re.compile(r"learning outcomes\s+assessment criteria\s+the learner will\s+the learner can", re.I)


def comparable(text: str) -> str:
    """Lower case, one space between words, markup dropped, and words hyphenated across a line joined up."""
    text = re.sub(r"</?(p|i|b)>", " ", text)
    text = " ".join(text.split()).lower()
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    return {
        path.name: comparable(PAGE_HEADER.sub(" ", path.read_text(encoding="utf-8"))) for path in SEEDS.glob("*.txt")
    }


def fixture_units():
    for document in read_fixtures():
        for unit_data in document["units"]:
            yield document["source"], unit_data


def test_every_unit_has_as_many_outcomes_and_criteria_as_its_fixture():
    outcomes = dict(Unit.objects.annotate(n=Count("learning_outcomes", distinct=True)).values_list("reference", "n"))
    criteria = dict(Unit.objects.annotate(n=Count("criteria", distinct=True)).values_list("reference", "n"))
    checked = 0
    for _source, unit_data in fixture_units():
        reference = unit_data["reference"]
        expected_outcomes = len(unit_data["learning_outcomes"])
        expected_criteria = sum(len(lo["criteria"]) for lo in unit_data["learning_outcomes"])
        assert (outcomes[reference], criteria[reference]) == (expected_outcomes, expected_criteria), reference
        checked += 1
    assert checked == Unit.objects.count() == 88


def test_every_outcome_has_as_many_criteria_as_its_fixture():
    counts = {
        (unit, number): n
        for unit, number, n in LearningOutcome.objects.annotate(n=Count("criteria")).values_list(
            "unit__reference", "number", "n"
        )
    }
    for _source, unit_data in fixture_units():
        for lo in unit_data["learning_outcomes"]:
            assert counts[(unit_data["reference"], str(lo["number"]))] == len(lo["criteria"])


def test_every_fixture_names_a_seed(seed_texts):
    assert {document["source"] for document in read_fixtures()} <= set(seed_texts)


def test_every_unit_reference_and_outcome_is_in_its_specification(seed_texts):
    corrected_references = set(CatalogueNote.objects.filter(field="reference").values_list("corrected", flat=True))
    for source, unit_data in fixture_units():
        seed = seed_texts[source]
        unit = Unit.objects.get(reference=unit_data["reference"])
        assert unit.reference.lower() in seed or unit.reference in corrected_references, unit.reference
        for outcome in unit.learning_outcomes.all():
            assert comparable(outcome.text) in seed, (unit.reference, outcome.number)


def test_every_criterion_is_in_its_specification_word_for_word_or_its_correction_is_recorded(seed_texts):
    """A criterion whose words differ from the print carries a note with what was printed, found in the seed."""
    printed_texts = {
        (note.unit.reference, note.criterion.code): note.printed
        for note in CatalogueNote.objects.filter(field="text", criterion__isnull=False).select_related(
            "unit", "criterion"
        )
    }
    checked = corrected = 0
    for source, unit_data in fixture_units():
        seed = seed_texts[source]
        for criterion in AssessmentCriterion.objects.filter(unit__reference=unit_data["reference"]):
            checked += 1
            if comparable(criterion.text) in seed:
                continue
            key = (unit_data["reference"], criterion.code)
            assert key in printed_texts, f"{key} is not in {source} and no note records what was printed"
            assert comparable(printed_texts[key]) in seed, key
            corrected += 1
    assert checked == AssessmentCriterion.objects.count()
    assert corrected == 1  # M/601/1508 3.10, "ake" for "make"


# (seed, unit, code as stored, code as printed, learning outcome, text): checked by eye against the seed.
SPOT_CHECKS = [
    ("000", "J/600/1003", "1.1", "1.1", "1", "Identify the purpose of customer service"),
    (
        "000",
        "J/600/0658",
        "4.8",
        "4.8",
        "4",
        "Prepare an individual learning/development plan which could be used as a basis for discussion with a "
        "relevant person, e.g. tutor, line manager, HR, training department",
    ),
    ("001", "T/617/5410", "1.1", "2.1", "1", "State what a first impression is"),
    ("001", "T/617/5410", "2.1", "2.1", "2", "Identify what skills can help create a good first impression"),
    (
        "001",
        "A/617/5554",
        "1.1",
        "1.1",
        "1",
        "State the benefits of working together with others in a customer service environment",
    ),
    (
        "002",
        "M/617/6443",
        "S9.4",
        "S9.4",
        "S9",
        "Demonstrate ability to make initial customer contact and make use of appropriate communication skills",
    ),
    (
        "002",
        "R/617/6452",
        "B17.2",
        "B17.2",
        "B17",
        "Maintain professional and positive language consistently in customer interactions",
    ),
    ("003", "F/618/0495", "1.1", "1.1", "1", "Explain the purpose and scope of customer service"),
    ("003", "F/618/0500", "1.8", "1.8", "1", "Complete customer service tasks to meet deadlines"),
    ("004", "H/601/1571", "1.1", "1.1", "1", "identify the options available for collecting customer service feedback"),
    (
        "004",
        "T/601/1574",
        "3.4",
        "3.4",
        "3",
        "give feedback to their colleague regarding features of their customer service delivery that would benefit "
        "from development",
    ),
]


@pytest.mark.parametrize("seed, reference, code, printed_code, outcome, text", SPOT_CHECKS)
def test_spot_check_criterion(seed, reference, code, printed_code, outcome, text):
    criterion = AssessmentCriterion.objects.select_related("learning_outcome").get(unit__reference=reference, code=code)
    assert criterion.text == normalise(text)
    assert criterion.learning_outcome.number == outcome
    assert (criterion.printed_code or criterion.code) == printed_code


@pytest.mark.parametrize("seed, reference, code, printed_code, outcome, text", SPOT_CHECKS)
def test_spot_check_criterion_is_printed_so_in_the_seed(seed_texts, seed, reference, code, printed_code, outcome, text):
    [name] = [name for name in seed_texts if name.startswith(seed + "_")]
    assert comparable(f"{printed_code} {text}") in seed_texts[name]
