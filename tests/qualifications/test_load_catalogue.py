import pytest
from django.core.management import call_command

from qualifications.models import AssessmentCriterion, CatalogueNote, LearningOutcome, Qualification, Unit
from qualifications.services.catalogue import load_catalogue, normalise, read_fixtures

pytestmark = pytest.mark.django_db


def test_every_fixture_unit_is_loaded_with_its_outcomes_and_criteria_word_for_word():
    for document in read_fixtures():
        for unit_data in document["units"]:
            unit = Unit.objects.get(reference=unit_data["reference"])
            outcomes = list(unit.learning_outcomes.order_by("order"))
            assert [o.number for o in outcomes] == [str(lo["number"]) for lo in unit_data["learning_outcomes"]]
            expected = [
                (c["code"], normalise(c["text"])) for lo in unit_data["learning_outcomes"] for c in lo["criteria"]
            ]
            assert list(unit.criteria.order_by("order").values_list("code", "text")) == expected


def test_all_seven_qualifications_are_in_the_catalogue():
    assert set(Qualification.objects.values_list("number", flat=True)) == {
        "600/5472/4",
        "603/4351/5",
        "603/4353/9",
        "603/4354/0",
        "603/4687/5",
        "603/5681/9",
        "600/5469/4",
    }


def test_loading_again_changes_nothing_and_keeps_ids():
    before = dict(AssessmentCriterion.objects.values_list("pk", "text"))
    outcomes = LearningOutcome.objects.count()
    notes = CatalogueNote.objects.count()
    call_command("load_catalogue", verbosity=0)
    assert dict(AssessmentCriterion.objects.values_list("pk", "text")) == before
    assert LearningOutcome.objects.count() == outcomes
    assert CatalogueNote.objects.count() == notes


def test_a_changed_text_is_updated_in_place(tmp_path):
    import json

    for document in read_fixtures():
        (tmp_path / document["source"].replace(".txt", ".json")).write_text(json.dumps(document))
    criterion = AssessmentCriterion.objects.get(unit__reference="J/600/1003", code="1.1")
    path = next(p for p in tmp_path.iterdir() if p.name.startswith("000"))
    document = json.loads(path.read_text())
    document["units"][0]["learning_outcomes"][0]["criteria"][0]["text"] = "Identify  the purpose\nof service"
    path.write_text(json.dumps(document))
    load_catalogue(tmp_path)
    criterion.refresh_from_db()
    assert criterion.text == "Identify the purpose of service"


def test_corrections_are_recorded_beside_the_criteria_they_correct():
    criterion = AssessmentCriterion.objects.get(unit__reference="T/617/5410", code="1.1")
    assert criterion.printed_code == "2.1"
    assert criterion.notes.filter(kind="correction", printed="2.1", corrected="1.1").exists()
