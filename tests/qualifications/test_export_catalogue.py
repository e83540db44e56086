"""`python manage.py export_catalogue`: the whole catalogue as JSON on standard output."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qualifications.models import AssessmentCriterion, CatalogueNote, Qualification, Unit
from qualifications.services.catalogue import normalise, read_fixtures
from qualifications.services.export import export_catalogue

pytestmark = pytest.mark.django_db

QUALIFICATION_KEYS = {"number", "title", "awarding_body", "level", "credit", "glh", "tqt", "min_age", "units", "rules"}
RULE_KEYS = {"all_units", "mandatory_units", "groups", "min_credits_from_optional", "min_glh", "text"}
UNIT_KEYS = {
    "reference",
    "title",
    "level",
    "glh",
    "credit",
    "summary",
    "guidance",
    "amplification",
    "types_of_evidence",
    "learning_outcomes",
    "alternatives",
}
OUTCOME_KEYS = {"number", "text", "amplification", "types_of_evidence", "criteria"}
CRITERION_KEYS = {"code", "printed_code", "kind", "text", "pathway", "wordings", "guidance", "amplification"}
NOTE_KEYS = {
    "source",
    "kind",
    "qualification",
    "unit",
    "criterion",
    "field",
    "printed",
    "corrected",
    "explanation",
    "shown_on_sheet",
}


@pytest.fixture
def exported():
    out = io.StringIO()
    call_command("export_catalogue", stdout=out)
    return json.loads(out.getvalue())


def by_key(items, key):
    return {item[key]: item for item in items}


def test_export_prints_json_with_the_documented_shape(exported):
    assert set(exported) == {"qualifications", "units", "notes"}
    for qualification in exported["qualifications"]:
        assert set(qualification) == QUALIFICATION_KEYS
        assert set(qualification["rules"]) == RULE_KEYS
        for group in qualification["rules"]["groups"]:
            assert set(group) == {"name", "units", "min_units"}
    for unit in exported["units"]:
        assert set(unit) == UNIT_KEYS
        for outcome in unit["learning_outcomes"]:
            assert set(outcome) == OUTCOME_KEYS
            for criterion in outcome["criteria"]:
                assert set(criterion) == CRITERION_KEYS
        for alternative in unit["alternatives"]:
            assert set(alternative) == {"pathway", "criteria"}
    for note in exported["notes"]:
        assert set(note) == NOTE_KEYS


def test_export_holds_every_qualification_and_unit(exported):
    assert [q["number"] for q in exported["qualifications"]] == sorted(
        Qualification.objects.values_list("number", flat=True)
    )
    assert {u["reference"] for u in exported["units"]} == set(Unit.objects.values_list("reference", flat=True))


def test_export_qualification_facts_are_numbers_and_missing_values_null(exported):
    nvq = by_key(exported["qualifications"], "number")["600/5469/4"]
    assert nvq["awarding_body"] == Qualification.objects.get(number="600/5469/4").awarding_body.name
    assert isinstance(nvq["level"], int) and nvq["level"] == 2
    ncfe = by_key(exported["qualifications"], "number")["603/5681/9"]
    assert ncfe["credit"] is None
    assert ncfe["awarding_body"] == "NCFE"
    assert ncfe["glh"] == 205


def test_export_rules_of_the_nvq(exported):
    nvq = by_key(exported["qualifications"], "number")["600/5469/4"]
    rules = nvq["rules"]
    assert rules["all_units"] is False
    assert rules["mandatory_units"] == ["F/601/1609", "L/601/1614"]
    assert [(g["name"], g["min_units"], len(g["units"])) for g in rules["groups"]] == [
        ("Group A", 1, 16),
        ("Group B", 1, 11),
        ("Group C", 1, 7),
        ("Group D", 1, 13),
    ]
    assert rules["min_credits_from_optional"] == 20
    assert rules["min_glh"] is None
    assert len(nvq["units"]) == 49
    assert nvq["units"][:3] == ["F/601/1609", "L/601/1614", "R/601/1209"]


def test_export_rules_by_glh_and_all_units(exported):
    qualifications = by_key(exported["qualifications"], "number")
    assert qualifications["603/4351/5"]["rules"]["min_glh"] == 45
    assert qualifications["603/4351/5"]["rules"]["mandatory_units"] == []
    assert qualifications["603/4354/0"]["rules"]["all_units"] is True
    assert len(qualifications["603/4354/0"]["units"]) == 13


def test_export_keeps_letter_prefixed_codes_under_their_outcome(exported):
    unit = by_key(exported["units"], "reference")["J/617/6433"]
    assert unit["learning_outcomes"][0]["number"] == "K1"
    assert unit["learning_outcomes"][0]["criteria"][0]["code"] == "K1.1"
    assert unit["alternatives"] == []


def test_export_lists_alternatives_by_pathway(exported):
    units = by_key(exported["units"], "reference")
    assert units["M/617/6443"]["alternatives"] == [
        {"pathway": "face-to-face", "criteria": ["S9.1", "S9.2", "S9.3"]},
        {"pathway": "non-facing", "criteria": ["S9.4", "S9.5", "S9.6"]},
    ]
    # Unit 17: every learner takes B17.1 (in their pathway's wording) and B17.2, so no alternatives.
    assert units["R/617/6452"]["alternatives"] == []


def criterion_of(exported, reference, code):
    unit = by_key(exported["units"], "reference")[reference]
    return next(c for lo in unit["learning_outcomes"] for c in lo["criteria"] if c["code"] == code)


def test_export_gives_each_criterion_its_per_pathway_wordings(exported):
    b171 = criterion_of(exported, "R/617/6452", "B17.1")
    assert b171["pathway"] is None
    assert b171["wordings"] == [
        {
            "pathway": "face-to-face",
            "text": "Present a professional image in line with the organisational dress code and code of conduct",
        },
        {
            "pathway": "non-facing",
            "text": "Demonstrate a positive attitude and welcoming approach consistently when dealing with customers",
        },
    ]
    assert criterion_of(exported, "R/617/6452", "B17.2")["wordings"] == []
    assert criterion_of(exported, "M/617/6443", "S9.4")["pathway"] == "non-facing"


def test_export_gives_the_printed_code_and_kind_of_each_criterion(exported):
    renumbered = criterion_of(exported, "T/617/5410", "1.1")
    assert (renumbered["code"], renumbered["printed_code"]) == ("1.1", "2.1")
    assert criterion_of(exported, "T/617/5410", "2.1")["printed_code"] == "2.1"
    # a gap in the printed numbering is kept: no 3.3 is printed, and none is exported
    unit = by_key(exported["units"], "reference")["T/601/1574"]
    lo3 = next(lo for lo in unit["learning_outcomes"] if lo["number"] == "3")
    assert [(c["code"], c["printed_code"]) for c in lo3["criteria"]] == [
        ("3.1", "3.1"),
        ("3.2", "3.2"),
        ("3.4", "3.4"),
        ("3.5", "3.5"),
        ("3.6", "3.6"),
    ]
    assert criterion_of(exported, "J/617/6433", "K1.1")["kind"] == "K"
    assert criterion_of(exported, "R/617/6452", "B17.2")["kind"] == "B"
    assert criterion_of(exported, "J/600/1003", "1.1")["kind"] == ""


def test_export_gives_guidance_amplification_and_types_of_evidence_as_printed_lines(exported):
    units = by_key(exported["units"], "reference")
    assert criterion_of(exported, "J/600/0658", "1.4")["guidance"] == ["Completed customer record(s)"]
    assert units["A/617/6445"]["amplification"] == ["• Clear and coherent manner", "◦ i.e. without the use of jargon"]
    outcome = units["F/618/0495"]["learning_outcomes"][0]
    assert outcome["types_of_evidence"] == [
        "Evidence could include:",
        "• written answers",
        "• oral questioning",
        "• professional discussion.",
    ]
    assert outcome["amplification"] == ["Customer journey: awareness, engagement, conversion, retention and loyalty"]
    nvq = by_key(exported["qualifications"], "number")["600/5469/4"]
    assert nvq["rules"]["text"][1:3] == [
        "• all units contained within the mandatory group",
        "• a minimum of 20 credits from the optional units in groups A-D",
    ]


def test_export_gives_every_catalogue_note(exported):
    assert len(exported["notes"]) == CatalogueNote.objects.count()
    unit_17 = [n for n in exported["notes"] if n["unit"] == "R/617/6452"]
    assert [(n["kind"], n["field"], n["shown_on_sheet"]) for n in unit_17] == [("judgement", "pathway", True)]
    misprints = {(n["unit"], n["criterion"]) for n in exported["notes"] if n["kind"] == "misprint"}
    assert {
        ("T/601/1218", "2.2"),
        ("J/600/0658", "3.8"),
        ("H/617/6438", "K6.1"),
        ("R/617/5432", "3.5"),
        ("D/601/1519", "1.1"),
    } <= misprints


def test_export_units_match_the_fixtures_word_for_word(exported):
    units = by_key(exported["units"], "reference")
    for document in read_fixtures():
        for unit_data in document["units"]:
            unit = units[unit_data["reference"]]
            assert unit["credit"] == unit_data.get("credit")
            assert unit["glh"] == unit_data.get("glh")
            assert [
                (lo["number"], [(c["code"], c["text"]) for c in lo["criteria"]]) for lo in unit["learning_outcomes"]
            ] == [
                (str(lo["number"]), [(c["code"], normalise(c["text"])) for c in lo["criteria"]])
                for lo in unit_data["learning_outcomes"]
            ]


def test_export_counts_every_criterion_once(exported):
    total = sum(len(lo["criteria"]) for unit in exported["units"] for lo in unit["learning_outcomes"])
    assert total == AssessmentCriterion.objects.count()


def test_export_takes_a_fixed_number_of_queries():
    with CaptureQueriesContext(connection) as before:
        export_catalogue()
    unit = Unit.objects.get(reference="J/600/1003")
    outcome = unit.learning_outcomes.create(number="9", text="Extra outcome", order=99)
    for n in range(10):
        AssessmentCriterion.objects.create(
            unit=unit, learning_outcome=outcome, code=f"9.{n + 1}", text="x", order=100 + n
        )
    with CaptureQueriesContext(connection) as after:
        data = export_catalogue()
    assert len(before) == len(after)
    extra = by_key(data["units"], "reference")["J/600/1003"]["learning_outcomes"][-1]
    assert extra["number"] == "9" and len(extra["criteria"]) == 10
