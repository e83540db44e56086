"""The rows of a plan's coverage: each assessor's planned against done, and the unit-by-method, learner and
location matrices."""

from __future__ import annotations

from dataclasses import dataclass, field

from portfolio.models import Registration
from qualifications.models import AssessmentMethod, Unit
from quality.models import SampleKind, SamplingPlan
from quality.services.plan_data import PlanData
from quality.services.risk import AssessorRate

KINDS = (SampleKind.INTERIM, SampleKind.SUMMATIVE)


def planned_count(rate_percent: int, population: int) -> int:
    """Samples needed to sample `rate_percent` of `population`, rounded up (any work at all means one sample)."""
    return (rate_percent * population + 99) // 100


@dataclass
class AssessorProgress:
    assessor: object
    rate: AssessorRate
    started_units: int = 0
    signed_units: int = 0
    # Units sampled of each kind: `done` counts samples awaiting countersignature (the work happened), `done_final`
    # only final ones (what certification relies on).
    done: dict[str, int] = field(default_factory=lambda: {SampleKind.INTERIM: 0, SampleKind.SUMMATIVE: 0})
    done_final: dict[str, int] = field(default_factory=lambda: {SampleKind.INTERIM: 0, SampleKind.SUMMATIVE: 0})

    @property
    def planned(self) -> dict[str, int]:
        return {
            SampleKind.INTERIM: planned_count(self.rate.rate_percent, self.started_units),
            SampleKind.SUMMATIVE: planned_count(self.rate.rate_percent, self.signed_units),
        }

    @property
    def planned_interim(self) -> int:
        return self.planned[SampleKind.INTERIM]

    @property
    def planned_summative(self) -> int:
        return self.planned[SampleKind.SUMMATIVE]

    @property
    def done_interim(self) -> int:
        return self.done[SampleKind.INTERIM]

    @property
    def done_summative(self) -> int:
        return self.done[SampleKind.SUMMATIVE]

    def shortfall(self, kind: str) -> int:
        return max(0, self.planned[kind] - self.done[kind])

    def final_shortfall(self, kind: str) -> int:
        return max(0, self.planned[kind] - self.done_final[kind])

    def awaiting_countersignature(self, kind: str) -> int:
        return self.done[kind] - self.done_final[kind]

    @property
    def awaiting_interim(self) -> int:
        return self.awaiting_countersignature(SampleKind.INTERIM)

    @property
    def awaiting_summative(self) -> int:
        return self.awaiting_countersignature(SampleKind.SUMMATIVE)

    @property
    def on_track(self) -> bool:
        return not (self.shortfall(SampleKind.INTERIM) or self.shortfall(SampleKind.SUMMATIVE))


@dataclass
class MethodCell:
    method: AssessmentMethod
    sampled: int  # samples that reviewed evidence of this method on the unit
    available: bool  # some learner in the plan has evidence of this method on the unit

    @property
    def is_gap(self) -> bool:
        return self.available and not self.sampled


@dataclass
class UnitRow:
    unit: Unit
    cells: list[MethodCell]
    sampled: int

    @property
    def gaps(self) -> int:
        return sum(1 for cell in self.cells if cell.is_gap)


@dataclass
class LearnerRow:
    registration: Registration
    sampled: dict[str, int]
    possible: dict[str, bool]  # work exists that could be sampled this way

    @property
    def interim(self) -> int:
        return self.sampled[SampleKind.INTERIM]

    @property
    def summative(self) -> int:
        return self.sampled[SampleKind.SUMMATIVE]

    @property
    def interim_gap(self) -> bool:
        return self.possible[SampleKind.INTERIM] and not self.interim

    @property
    def summative_gap(self) -> bool:
        return self.possible[SampleKind.SUMMATIVE] and not self.summative


@dataclass
class LocationRow:
    assessor: object
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Coverage:
    plan: SamplingPlan
    data: PlanData
    assessors: list[AssessorProgress]
    methods: list[AssessmentMethod]
    units: list[UnitRow]
    learners: list[LearnerRow]
    locations: list[str]
    assessor_locations: list[LocationRow]
    records: list[tuple[str, int]]

    @property
    def rates(self) -> dict[int, AssessorRate]:
        return {row.assessor.pk: row.rate for row in self.assessors}

    @property
    def progress_by_assessor(self) -> dict[int, AssessorProgress]:
        return {row.assessor.pk: row for row in self.assessors}

    @property
    def gap_count(self) -> int:
        unit_gaps = sum(row.gaps for row in self.units)
        learner_gaps = sum(int(row.interim_gap) + int(row.summative_gap) for row in self.learners)
        location_gaps = sum(1 for row in self.assessor_locations if not row.total)
        return unit_gaps + learner_gaps + location_gaps
