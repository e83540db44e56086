"""Rules of combination for every qualification in the catalogue, with choices that pass and that fail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qualifications.models import Pathway, Qualification, Unit
from qualifications.services.combination import (
    CombinationResult,
    check_combination,
    mandatory_units,
    optional_units,
    plan_for,
)

pytestmark = pytest.mark.django_db


def check(number, units=(), pathway=None) -> CombinationResult:
    return check_combination(qualification=Qualification.objects.get(number=number), units=units, pathway=pathway)


# 600/5472/4: two mandatory units, all units.


def test_certificate_needs_no_choice_and_counts_both_mandatory_units():
    result = check("600/5472/4")
    assert result == CombinationResult(achievable=True, reasons=[], credits=13, optional_credits=None, glh=115)


def test_certificate_refuses_a_unit_that_is_not_part_of_it():
    result = check("600/5472/4", ["J/600/1003", "J/999/0000", "F/601/1609"])
    assert not result.achievable
    assert result.reasons == [
        "J/999/0000 is not a unit of this qualification",
        "F/601/1609 is not a unit of this qualification",
    ]
    assert result.credits == 13  # the refused units count for nothing


def test_certificate_refuses_a_pathway():
    result = check("600/5472/4", pathway="face-to-face")
    assert result.reasons == ["Face to face is not a pathway of this qualification"]
    result = check("600/5472/4", pathway="no-such-pathway")
    assert result.reasons == ["no-such-pathway is not a pathway of this qualification"]
    result = check("600/5472/4", pathway=Pathway.objects.get(code="non-facing"))
    assert result.reasons == ["Non-facing is not a pathway of this qualification"]


# 603/4351/5 and 603/4353/9: a minimum of GLH from any of the units.


def test_award_fails_below_45_glh():
    result = check("603/4351/5", ["T/617/5410", "F/617/5412"])  # 16 + 22
    assert not result.achievable
    assert result.reasons == ["The chosen units give 38 GLH; at least 45 are needed"]
    assert result.glh == 38
    assert result.credits == 5


def test_award_passes_at_45_glh_or_more():
    result = check("603/4351/5", ["T/617/5410", "F/617/5412", "K/617/5419"])  # 16 + 22 + 16
    assert result.achievable
    assert result.reasons == []
    assert result.glh == 54


def test_award_with_nothing_chosen_says_how_far_off_it_is():
    result = check("603/4351/5", [])
    assert result.reasons == ["The chosen units give 0 GLH; at least 45 are needed"]
    assert result.glh is None
    assert result.optional_credits == 0


def test_certificate_in_work_related_studies_needs_101_glh():
    failing = check("603/4353/9", ["D/617/5417", "K/617/5422", "F/617/5412"])  # 36 + 36 + 22
    assert failing.reasons == ["The chosen units give 94 GLH; at least 101 are needed"]
    passing = check("603/4353/9", ["D/617/5417", "K/617/5422", "F/617/5412", "T/617/5410"])
    assert passing.achievable
    assert passing.glh == 110


# 603/4354/0: all 13 units.


def test_diploma_in_work_related_studies_takes_every_unit():
    result = check("603/4354/0")
    assert result.achievable
    assert (result.credits, result.glh) == (40, 296)
    qualification = Qualification.objects.get(number="603/4354/0")
    assert len(plan_for(qualification, [])) == 13
    assert optional_units(qualification) == []


def test_diploma_in_work_related_studies_refuses_a_unit_from_elsewhere():
    result = check("603/4354/0", ["T/617/5410", "J/600/1003"])
    assert result.reasons == ["J/600/1003 is not a unit of this qualification"]


# 603/4687/5: 18 mandatory units and a pathway.


def test_skills_diploma_needs_a_pathway():
    result = check("603/4687/5")
    assert not result.achievable
    assert result.reasons == ["Choose the learner's pathway: Face to face or Non-facing"]
    assert (result.credits, result.glh) == (39, 280)


@pytest.mark.parametrize("pathway", ["face-to-face", "non-facing"])
def test_skills_diploma_passes_on_either_pathway_given_by_code_or_object(pathway):
    assert check("603/4687/5", pathway=pathway).achievable
    assert check("603/4687/5", pathway=Pathway.objects.get(code=pathway)).achievable


def test_skills_diploma_refuses_a_pathway_of_another_qualification():
    warehouse = Pathway.objects.create(code="warehouse", name="Warehouse")
    result = check("603/4687/5", pathway=warehouse)
    assert result.reasons == ["Warehouse is not a pathway of this qualification"]


# 603/5681/9: NCFE, six mandatory units that carry no credit.


def test_ncfe_diploma_is_achievable_and_has_no_credit():
    result = check("603/5681/9")
    assert result == CombinationResult(achievable=True, reasons=[], credits=None, optional_credits=None, glh=205)


def test_ncfe_diploma_refuses_an_unknown_unit():
    assert check("603/5681/9", ["Z/000/0000"]).reasons == ["Z/000/0000 is not a unit of this qualification"]


# 600/5469/4: two mandatory units, at least one unit from each of groups A-D, at least 20 optional credits.

ONE_OF_EACH_19_CREDITS = ["R/601/1209", "A/601/1205", "T/601/1509", "A/601/1530"]  # 5 + 5 + 4 + 5


def test_nvq_with_nothing_chosen_lists_every_rule_missed():
    result = check("600/5469/4")
    assert result.reasons == [
        "Group A: choose at least 1 unit",
        "Group B: choose at least 1 unit",
        "Group C: choose at least 1 unit",
        "Group D: choose at least 1 unit",
        "Optional units give 0 credits; at least 20 are needed",
    ]
    assert (result.credits, result.optional_credits, result.glh) == (8, 0, 60)


def test_nvq_one_unit_from_each_group_but_19_credits_fails():
    result = check("600/5469/4", ONE_OF_EACH_19_CREDITS)
    assert result.reasons == ["Optional units give 19 credits; at least 20 are needed"]
    assert result.optional_credits == 19
    assert result.credits == 27


def test_nvq_one_unit_from_each_group_and_20_credits_passes():
    units = ["R/601/1209", "A/601/1205", "M/601/1508", "A/601/1530"]  # 5 + 5 + 5 + 5
    result = check("600/5469/4", units)
    assert result.achievable
    assert result.optional_credits == 20
    assert result.credits == 28


def test_nvq_enough_credits_but_no_group_c_unit_fails_on_group_c():
    units = ["R/601/1209", "D/601/0936", "A/601/1205", "A/601/1530", "T/601/1526"]  # 27 credits, no group C
    result = check("600/5469/4", units)
    assert result.reasons == ["Group C: choose at least 1 unit"]
    assert result.optional_credits == 27


def test_nvq_accepts_unit_objects_mandatory_units_and_repeats_in_the_plan():
    units = list(Unit.objects.filter(reference__in=["R/601/1209", "A/601/1205", "M/601/1508", "A/601/1530"]))
    units += [Unit.objects.get(reference="F/601/1609"), "R/601/1209"]
    result = check("600/5469/4", units)
    assert result.achievable
    assert result.optional_credits == 20


def test_reasons_come_together_when_several_rules_fail():
    result = check("600/5469/4", ["R/601/1209", "J/999/0000"], pathway="non-facing")
    assert result.reasons[:2] == [
        "J/999/0000 is not a unit of this qualification",
        "Non-facing is not a pathway of this qualification",
    ]
    assert "Group B: choose at least 1 unit" in result.reasons
    assert "Optional units give 5 credits; at least 20 are needed" in result.reasons


def test_plan_is_the_mandatory_units_then_the_chosen_ones_in_printed_order():
    qualification = Qualification.objects.get(number="600/5469/4")
    plan = plan_for(qualification, ["A/601/1530", "R/601/1209", "J/999/0000"])
    assert [unit.reference for unit in plan] == ["F/601/1609", "L/601/1614", "R/601/1209", "A/601/1530"]
    assert [unit.reference for unit in mandatory_units(qualification)] == ["F/601/1609", "L/601/1614"]
    assert len(optional_units(qualification)) == 47


def test_checking_takes_the_same_few_queries_for_a_small_and_a_large_qualification():
    small = Qualification.objects.get(number="600/5472/4")
    large = Qualification.objects.get(number="600/5469/4")
    with CaptureQueriesContext(connection) as small_queries:
        check_combination(qualification=small, units=["J/600/1003"])
    with CaptureQueriesContext(connection) as large_queries:
        check_combination(qualification=large, units=ONE_OF_EACH_19_CREDITS)
    assert len(small_queries) == len(large_queries) <= 2
