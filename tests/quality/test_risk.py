"""The risk loop: experience and sample outcomes set each assessor's risk and sampling rate, with the reason."""

from centres.models import Event
from quality.models import Outcome, PlanAssessor
from quality.services.errors import PlanError
from quality.services.plans import override_rate, refresh_rates
from quality.services.risk import compute_rates

from .helpers import fake_signed_units, start_unit, take_sample


def _rate(plan, assessor):
    return compute_rates(centre_id=plan.centre_id, qualification_id=plan.qualification_id, assessor_ids=[assessor.pk])[
        assessor.pk
    ]


def test_new_assessor_has_every_decision_sampled(world, plan):
    rate = _rate(plan, world.assessor)
    assert rate.rate_percent == 100
    assert rate.risk == "high"
    assert "New to this qualification" in rate.reason


def test_trainee_assessor_has_every_decision_sampled(world, plan):
    rate = _rate(plan, world.trainee)
    assert rate.rate_percent == 100
    assert "Working towards their assessing award" in rate.reason


def test_experience_lowers_the_rate(world, plan):
    fake_signed_units(world.assessor, world.centre, plan.qualification, 4)
    building = _rate(plan, world.assessor)
    assert building.rate_percent == 25
    assert "Building experience" in building.reason
    fake_signed_units(world.assessor, world.centre, plan.qualification, 6)
    experienced = _rate(plan, world.assessor)
    assert experienced.rate_percent == 10
    assert experienced.risk == "low"
    assert "Experienced on this qualification (10 units signed off)" in experienced.reason


def test_plan_stores_each_assessors_rate_and_reason(world, plan):
    rows = {row.assessor_id: row for row in PlanAssessor.objects.filter(plan=plan)}
    assert set(rows) == {world.assessor.pk, world.other_assessor.pk, world.trainee.pk}
    assert rows[world.trainee.pk].rate_percent == 100
    assert "Working towards" in rows[world.trainee.pk].reason


def test_disagreement_raises_the_rate_and_says_why(world, plan, unit1):
    fake_signed_units(world.assessor, world.centre, plan.qualification, 10)
    start_unit(world.registration, unit1)
    refresh_rates(plan=plan, actor=world.iqa)
    assert PlanAssessor.objects.get(plan=plan, assessor=world.assessor).rate_percent == 10

    take_sample(plan, world.registration, unit1, outcome=Outcome.DISAGREE, feedback="Evidence does not show 1.1.")

    rate = _rate(plan, world.assessor)
    assert rate.rate_percent == 50
    assert rate.risk == "high"
    assert "Raised to 50%: 1 sample with a disagreement" in rate.reason
    stored = PlanAssessor.objects.get(plan=plan, assessor=world.assessor)
    assert stored.rate_percent == 50
    event = Event.objects.filter(action="sampling_rate_changed", object_id=stored.pk).last()
    assert event.data["rate_before"] == 10 and event.data["rate_percent"] == 50


def test_two_disagreements_raise_the_rate_to_every_decision(world, plan, unit1, unit2):
    fake_signed_units(world.assessor, world.centre, plan.qualification, 10)
    start_unit(world.registration, unit1)
    start_unit(world.registration, unit2)
    take_sample(plan, world.registration, unit1, outcome=Outcome.DISAGREE)
    take_sample(plan, world.registration, unit2, outcome=Outcome.DISAGREE)
    rate = _rate(plan, world.assessor)
    assert rate.rate_percent == 100
    assert "2 samples with a disagreement" in rate.reason


def test_agreeing_with_actions_raises_the_rate_a_little(world, plan, unit1):
    fake_signed_units(world.assessor, world.centre, plan.qualification, 10)
    start_unit(world.registration, unit1)
    take_sample(plan, world.registration, unit1, outcome=Outcome.AGREE_WITH_ACTIONS)
    rate = _rate(plan, world.assessor)
    assert rate.rate_percent == 25
    assert "1 sample agreed with actions" in rate.reason


def test_agreement_leaves_the_rate_alone(world, plan, unit1):
    fake_signed_units(world.assessor, world.centre, plan.qualification, 10)
    start_unit(world.registration, unit1)
    take_sample(plan, world.registration, unit1, outcome=Outcome.AGREE)
    assert _rate(plan, world.assessor).rate_percent == 10


def test_iqa_can_override_a_rate_with_a_reason_and_go_back(world, plan):
    override_rate(actor=world.iqa, plan=plan, assessor_id=world.assessor.pk, rate_percent=40, reason="New workplace")
    from quality.services.risk import assessor_rates

    rate = assessor_rates(plan, [world.assessor.pk])[world.assessor.pk]
    assert rate.rate_percent == 40 and rate.overridden and rate.computed_rate == 100
    assert "Set to 40% by the IQA: New workplace" in rate.reason
    override_rate(actor=world.iqa, plan=plan, assessor_id=world.assessor.pk, rate_percent=None)
    assert assessor_rates(plan, [world.assessor.pk])[world.assessor.pk].rate_percent == 100


def test_override_needs_a_reason_and_an_iqa(world, plan):
    import pytest

    from quality.services.errors import NotAllowed

    with pytest.raises(PlanError):
        override_rate(actor=world.iqa, plan=plan, assessor_id=world.assessor.pk, rate_percent=40, reason=" ")
    with pytest.raises(NotAllowed):
        override_rate(actor=world.admin, plan=plan, assessor_id=world.assessor.pk, rate_percent=40, reason="x")
