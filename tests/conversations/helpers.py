"""Helpers shared by this folder's tests (test modules never import each other)."""

from quality.models import Outcome, SampleKind, SampleRecord, SampleUnit, SamplingPlan
from tests.portfolio.helpers import today


def _sample(world, unit):
    plan = SamplingPlan.objects.create(
        centre=world.centre,
        qualification=world.registration.qualification,
        iqa=world.iqa,
        period_start=today(30),
        period_end=today(-30),
        created_by=world.iqa,
    )
    sample = SampleRecord.objects.create(
        plan=plan,
        registration=world.registration,
        kind=SampleKind.INTERIM,
        iqa=world.iqa,
        assessor=world.assessor,
        location="Workplace",
        outcome=Outcome.AGREE,
        feedback="Sound.",
    )
    SampleUnit.objects.create(sample=sample, unit=unit, outcome=Outcome.AGREE)
    return sample
