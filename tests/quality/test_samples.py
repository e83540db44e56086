"""Recording samples: conflicts refused, what a summative agreement or disagreement does, actions, atomicity."""

import datetime as dt

import pytest
from django.utils import timezone

from centres.models import Event, PersonalInterest, Role
from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink, RegistrationUnit
from quality.models import Action, Outcome, SampleKind, SampleRecord, SampleUnit
from quality.services.errors import ActionError, ConflictOfInterest, NotAllowed, SampleError
from quality.services.samples import ActionInput, close_action, complete_action, record_sample, review_units
from tests.factories import make_registration, make_staff
from tracking.models import Signature, SignatureRole
from tracking.services.signoff import SignOffError

from .helpers import complete_and_sign, start_unit, take_sample


def test_interim_sample_records_outcomes_methods_location_and_an_event(world, plan, unit1):
    start_unit(world.registration, unit1, methods=("Obs", "WT"))
    sample = take_sample(plan, world.registration, unit1, outcome=Outcome.AGREE, location="Workplace: Acme")
    assert sample.kind == SampleKind.INTERIM and sample.outcome == Outcome.AGREE
    assert sample.location == "Workplace: Acme"
    assert sample.assessor == world.assessor
    # Two criteria: two evidence judgements and two criterion decisions.
    assert sample.decisions.count() == 4
    sample_unit = SampleUnit.objects.get(sample=sample)
    assert sample_unit.methods == ["Obs", "WT"]
    assert sample_unit.result == ""
    event = Event.objects.get(action="iqa_sample_recorded", object_id=sample.pk)
    assert event.registration_id == world.registration.pk and event.actor == world.iqa


def test_iqa_cannot_sample_a_decision_they_made(world, plan, unit1):
    # The IQA also assesses at the centre and judged one piece of this learner's evidence.
    make_staff(world.centre, Role.ASSESSOR, user=world.iqa)
    start_unit(world.registration, unit1, by=world.iqa)
    [review] = review_units(registration=world.registration, kind=SampleKind.INTERIM, iqa=world.iqa, units=[unit1])
    assert review.items and all(item.conflict for item in review.items)
    assert "another IQA must sample it" in review.why_not
    decision = CriterionDecision.objects.filter(registration=world.registration).first()
    with pytest.raises(ConflictOfInterest):
        record_sample(
            actor=world.iqa,
            plan=plan,
            registration=world.registration,
            kind=SampleKind.INTERIM,
            unit_ids=[unit1.pk],
            outcomes={f"decision-{decision.pk}": Outcome.AGREE},
            location="Workplace",
            feedback="Fine.",
        )
    assert not SampleRecord.objects.exists()


def test_iqa_cannot_sample_a_decision_they_countersigned(world, plan, unit1):
    start_unit(
        world.registration,
        unit1,
        countersign_status=CountersignStatus.CONFIRMED,
        countersigned_by=world.iqa,
    )
    [review] = review_units(registration=world.registration, kind=SampleKind.INTERIM, iqa=world.iqa, units=[unit1])
    conflicted = [item for item in review.items if item.conflict]
    assert conflicted and all(item.decision is not None for item in conflicted)
    with pytest.raises(ConflictOfInterest):
        record_sample(
            actor=world.iqa,
            plan=plan,
            registration=world.registration,
            kind=SampleKind.INTERIM,
            unit_ids=[unit1.pk],
            outcomes={conflicted[0].key: Outcome.AGREE},
            location="Workplace",
            feedback="Fine.",
        )


def test_iqa_never_samples_their_own_learner(world, plan):
    make_staff(world.centre, Role.ASSESSOR, user=world.iqa)
    own = make_registration(world.centre, assessor=world.iqa, iqa=world.iqa)
    unit = own.units.first()
    start_unit(own, unit)
    with pytest.raises(ConflictOfInterest, match="You are this learner's assessor"):
        take_sample(plan, own, unit)


def test_iqa_with_a_declared_interest_cannot_sample(world, plan, unit1):
    PersonalInterest.objects.create(centre=world.centre, staff=world.iqa, learner=world.learner)
    start_unit(world.registration, unit1)
    with pytest.raises(ConflictOfInterest, match="personal interest"):
        take_sample(plan, world.registration, unit1)


def test_only_an_iqa_of_the_centre_records_samples(world, plan, unit1):
    start_unit(world.registration, unit1)
    with pytest.raises(NotAllowed):
        take_sample(plan, world.registration, unit1, iqa=world.other_assessor)


def test_summative_agree_signs_the_iqa_line(world, plan, unit1):
    complete_and_sign(world.registration, unit1)
    sample = take_sample(plan, world.registration, unit1, kind=SampleKind.SUMMATIVE, outcome=Outcome.AGREE)
    signature = Signature.objects.live().get(
        sign_off__registration=world.registration, sign_off__unit=unit1, role=SignatureRole.IQA
    )
    assert signature.user == world.iqa
    assert SampleUnit.objects.get(sample=sample).result == SampleUnit.Result.IQA_SIGNED


def test_summative_agree_with_actions_also_signs(world, plan, unit1):
    complete_and_sign(world.registration, unit1)
    sample = take_sample(plan, world.registration, unit1, kind=SampleKind.SUMMATIVE, outcome=Outcome.AGREE_WITH_ACTIONS)
    assert Signature.objects.live().filter(sign_off__unit=unit1, role=SignatureRole.IQA).exists()
    assert sample.status == SampleRecord.Status.ACTIONS_OPEN
    assert Action.objects.get(sample=sample).assessor == world.assessor


def test_summative_disagree_reopens_the_unit_with_the_feedback(world, plan, unit1):
    complete_and_sign(world.registration, unit1)
    sample = take_sample(
        plan,
        world.registration,
        unit1,
        kind=SampleKind.SUMMATIVE,
        outcome=Outcome.DISAGREE,
        feedback="1.3 is not shown by the observation.",
    )
    assert not Signature.objects.live().filter(sign_off__unit=unit1, sign_off__registration=world.registration).exists()
    voided = Signature.objects.filter(sign_off__unit=unit1, role=SignatureRole.ASSESSOR).get()
    assert "1.3 is not shown by the observation." in voided.void_reason
    assert voided.voided_by == world.iqa
    assert RegistrationUnit.objects.get(registration=world.registration, unit=unit1).locked_at is None
    assert SampleUnit.objects.get(sample=sample).result == SampleUnit.Result.REOPENED


def test_interim_sample_of_a_signed_unit_is_refused(world, plan, unit1):
    complete_and_sign(world.registration, unit1)
    with pytest.raises(SampleError, match="summative"):
        take_sample(plan, world.registration, unit1, kind=SampleKind.INTERIM)


def test_summative_sample_of_an_unsigned_unit_is_refused(world, plan, unit1):
    start_unit(world.registration, unit1)
    with pytest.raises(SampleError, match="Not signed off"):
        take_sample(plan, world.registration, unit1, kind=SampleKind.SUMMATIVE)


def test_summative_sample_waits_for_the_countersignatory(world, plan):
    unit = world.trainee_registration.units.first()
    complete_and_sign(world.trainee_registration, unit)
    with pytest.raises(SampleError, match="countersignatory"):
        take_sample(plan, world.trainee_registration, unit, kind=SampleKind.SUMMATIVE)


def test_agree_with_actions_needs_an_action(world, plan, unit1):
    start_unit(world.registration, unit1)
    with pytest.raises(SampleError, match="at least one action"):
        take_sample(plan, world.registration, unit1, outcome=Outcome.AGREE_WITH_ACTIONS, actions=[])


def test_feedback_and_location_are_required(world, plan, unit1):
    start_unit(world.registration, unit1)
    with pytest.raises(SampleError, match="feedback"):
        take_sample(plan, world.registration, unit1, feedback="  ")
    with pytest.raises(SampleError, match="where"):
        take_sample(plan, world.registration, unit1, location="")


def test_actions_cannot_be_due_in_the_past(world, plan, unit1):
    start_unit(world.registration, unit1)
    with pytest.raises(SampleError, match="past"):
        take_sample(
            plan,
            world.registration,
            unit1,
            outcome=Outcome.AGREE_WITH_ACTIONS,
            actions=[ActionInput("Do it", timezone.localdate() - dt.timedelta(days=1))],
        )


def test_a_failed_signature_leaves_no_half_saved_sample(world, plan, unit1, monkeypatch):
    complete_and_sign(world.registration, unit1)

    def refuse(**kwargs):
        raise SignOffError("The sheet changed while you were reading it.")

    monkeypatch.setattr("quality.services.samples.outcome.sign_unit", refuse)
    with pytest.raises(SampleError, match="The sheet changed"):
        take_sample(plan, world.registration, unit1, kind=SampleKind.SUMMATIVE, outcome=Outcome.AGREE_WITH_ACTIONS)
    assert not SampleRecord.objects.exists()
    assert not Action.objects.exists()
    assert not Event.objects.filter(action__startswith="iqa_").exists()


def test_assessor_completes_and_iqa_closes_an_action(world, plan, unit1):
    start_unit(world.registration, unit1)
    sample = take_sample(plan, world.registration, unit1, outcome=Outcome.AGREE_WITH_ACTIONS)
    action = Action.objects.get(sample=sample)

    with pytest.raises(ActionError, match="not completed"):
        close_action(actor=world.iqa, action=action)
    with pytest.raises(NotAllowed):
        complete_action(actor=world.other_assessor, action=action, note="Done")
    complete_action(actor=world.assessor, action=action, note="Feedback rewritten.")
    with pytest.raises(NotAllowed):
        close_action(actor=world.assessor, action=action)
    close_action(actor=world.iqa, action=action, note="Checked.")

    action.refresh_from_db()
    sample.refresh_from_db()
    assert action.completed_note == "Feedback rewritten." and action.closed_by == world.iqa
    assert sample.status == SampleRecord.Status.COMPLETE
    assert Event.objects.filter(action="iqa_action_completed").exists()
    assert Event.objects.filter(action="iqa_action_closed").exists()


def test_review_lists_judgements_and_decisions_but_not_pending_links(world, plan, unit1):
    criteria = start_unit(world.registration, unit1, count=1)
    from .helpers import add_evidence

    add_evidence(world.registration, criteria, status=EvidenceLink.Status.PENDING)
    [review] = review_units(registration=world.registration, kind=SampleKind.INTERIM, iqa=world.iqa, units=[unit1])
    kinds = sorted(item.key.split("-")[0] for item in review.items)
    assert kinds == ["decision", "link"]
