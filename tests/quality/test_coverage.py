"""The plan's coverage (CAMERA), planned against done, and proposals that close the largest gaps."""

from centres.models import Role
from portfolio.models import Evidence
from quality.models import Outcome, SampleKind
from quality.services.coverage import coverage, propose_samples
from quality.services.samples import record_sample, review_units
from tests.factories import make_registration, make_staff

from .helpers import complete_and_sign, start_unit, take_sample


def _cell(cover, unit, code):
    row = next(row for row in cover.units if row.unit.pk == unit.pk)
    return next(cell for cell in row.cells if cell.method.code == code)


def test_units_by_methods_shows_sampled_and_gaps(world, plan, unit1, unit2):
    start_unit(world.registration, unit1, methods=("Obs",))
    start_unit(world.other_registration, unit1, methods=("WT",))
    start_unit(world.registration, unit2, methods=("PD",))
    take_sample(plan, world.registration, unit1)

    cover = coverage(plan)
    assert _cell(cover, unit1, "Obs").sampled == 1
    assert _cell(cover, unit1, "WT").is_gap
    assert _cell(cover, unit2, "PD").is_gap
    assert not _cell(cover, unit2, "Obs").available and not _cell(cover, unit2, "Obs").is_gap


def test_learners_by_interim_and_summative(world, plan, unit1, unit2):
    start_unit(world.registration, unit1)
    complete_and_sign(world.other_registration, unit2)
    take_sample(plan, world.registration, unit1)
    rows = {row.registration.pk: row for row in coverage(plan).learners}
    assert rows[world.registration.pk].interim == 1 and not rows[world.registration.pk].interim_gap
    assert rows[world.other_registration.pk].summative_gap
    assert not rows[world.trainee_registration.pk].interim_gap  # nothing started yet


def test_assessors_by_locations_lists_plan_and_sampled_locations(world, plan, unit1):
    start_unit(world.registration, unit1)
    take_sample(plan, world.registration, unit1, location="Workplace: Acme")
    cover = coverage(plan)
    assert cover.locations == ["Training centre", "Workplace", "Workplace: Acme"]
    rows = {row.assessor.pk: row for row in cover.assessor_locations}
    assert rows[world.assessor.pk].counts == [0, 0, 1]
    assert rows[world.other_assessor.pk].total == 0


def test_locations_on_the_sampled_evidence_count_as_well_as_the_one_recorded(world, plan, unit1, unit2):
    start_unit(world.registration, unit1)
    Evidence.objects.filter(registration=world.registration).update(location="Remote")
    take_sample(plan, world.registration, unit1, location="Workplace: Acme")
    cover = coverage(plan)
    assert cover.locations == ["Training centre", "Workplace", "Workplace: Acme", "Remote"]
    rows = {row.assessor.pk: row for row in cover.assessor_locations}
    assert rows[world.assessor.pk].counts == [0, 0, 1, 1]


def test_a_sampled_decision_counts_the_location_of_the_evidence_behind_it(world, plan, unit1):
    start_unit(world.registration, unit1)
    Evidence.objects.filter(registration=world.registration).update(location="  training   CENTRE ")
    [review] = review_units(registration=world.registration, kind=SampleKind.INTERIM, iqa=world.iqa, units=[unit1])
    decisions = {item.key: Outcome.AGREE for item in review.open_items if not item.is_judgement}
    assert decisions
    record_sample(
        actor=world.iqa,
        plan=plan,
        registration=world.registration,
        kind=SampleKind.INTERIM,
        unit_ids=[unit1.pk],
        outcomes=decisions,
        location="Workplace",
        feedback="Sound.",
    )
    cover = coverage(plan)
    # The same place however it was typed: one column, in the plan's spelling.
    assert cover.locations == ["Training centre", "Workplace"]
    rows = {row.assessor.pk: row for row in cover.assessor_locations}
    assert rows[world.assessor.pk].counts == [1, 1]


def test_evidence_of_unsampled_work_is_not_counted(world, plan, unit1, unit2):
    start_unit(world.registration, unit1)
    start_unit(world.registration, unit2)
    Evidence.objects.filter(links__criterion__unit=unit2).update(location="Remote")
    take_sample(plan, world.registration, unit1)
    assert "Remote" not in coverage(plan).locations


def test_planned_against_done_per_assessor(world, plan, unit1, unit2):
    start_unit(world.registration, unit1)
    complete_and_sign(world.registration, unit2)
    cover = coverage(plan)
    progress = cover.progress_by_assessor[world.assessor.pk]
    assert progress.rate.rate_percent == 100
    assert (progress.planned_interim, progress.planned_summative) == (2, 1)
    assert (progress.done_interim, progress.done_summative) == (0, 0)
    take_sample(plan, world.registration, unit2, kind=SampleKind.SUMMATIVE)
    progress = coverage(plan).progress_by_assessor[world.assessor.pk]
    assert progress.done_summative == 1


def test_proposals_close_the_largest_gaps_first(world, plan, unit1, unit2):
    start_unit(world.registration, unit1)
    complete_and_sign(world.other_registration, unit2)
    proposals = propose_samples(plan, iqa=world.iqa)
    assert {(p.registration.pk, p.kind) for p in proposals} == {
        (world.registration.pk, SampleKind.INTERIM),
        (world.other_registration.pk, SampleKind.SUMMATIVE),
    }
    summative = next(p for p in proposals if p.kind == SampleKind.SUMMATIVE)
    assert summative.units == [unit2]
    assert any("behind plan" in reason for reason in summative.reasons)
    assert any("has not been sampled yet" in reason for reason in summative.reasons)


def test_proposals_drop_what_was_sampled(world, plan, unit1):
    start_unit(world.registration, unit1)
    take_sample(plan, world.registration, unit1)
    assert not [p for p in propose_samples(plan, iqa=world.iqa) if p.registration.pk == world.registration.pk]


def test_proposals_never_offer_the_iqas_own_work(world, plan, unit1):
    make_staff(world.centre, Role.ASSESSOR, user=world.iqa)
    own = make_registration(world.centre, assessor=world.iqa, iqa=world.iqa)
    start_unit(own, own.units.first())
    start_unit(world.registration, unit1, by=world.iqa)  # the IQA judged this learner's unit 1 too
    start_unit(world.other_registration, unit1)
    proposed = {p.registration.pk for p in propose_samples(plan, iqa=world.iqa)}
    assert proposed == {world.other_registration.pk}


def test_disagreement_reopens_and_proposals_follow_the_raised_rate(world, plan, unit1):
    complete_and_sign(world.registration, unit1)
    take_sample(plan, world.registration, unit1, kind=SampleKind.SUMMATIVE, outcome=Outcome.DISAGREE)
    cover = coverage(plan)
    learner = next(row for row in cover.learners if row.registration.pk == world.registration.pk)
    assert learner.summative == 1
    # The unit is back in progress: it is no longer signed off.
    assert cover.progress_by_assessor[world.assessor.pk].signed_units == 0
