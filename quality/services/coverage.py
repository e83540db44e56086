"""What a plan has covered (the CAMERA headings: candidates, assessors, methods, elements, records, locations),
each assessor's planned against done, and the next samples that would close the largest gaps."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import F

from centres import conflicts
from portfolio.models import Registration, counting_links_q
from qualifications.models import AssessmentMethod, Unit

from ..models import RecordChecked, SampleDecision, SampleKind, SamplingPlan
from .plan_data import PlanData, UnitWork, load_plan_data
from .risk import AssessorRate, assessor_rates

KINDS = (SampleKind.INTERIM, SampleKind.SUMMATIVE)
MAX_UNITS_PER_PROPOSAL = 3


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


def _location_key(location: str) -> str:
    return " ".join(location.split()).casefold()


def evidence_locations(samples) -> dict[int, set[str]]:
    """The assessment locations recorded on the evidence each sample reviewed (keyed by sample id): the evidence
    of each judgement it sampled, and the accepted evidence behind each "met" decision it sampled. Two queries."""
    ids = [sample.pk for sample in samples]
    found: dict[int, set[str]] = defaultdict(set)
    judged = SampleDecision.objects.filter(sample_id__in=ids, link__evidence__location__gt="").values_list(
        "sample_id", "link__evidence__location"
    )
    behind_decisions = SampleDecision.objects.filter(
        counting_links_q("decision__criterion__evidence_links__"),
        sample_id__in=ids,
        decision__criterion__evidence_links__evidence__registration_id=F("decision__registration_id"),
        decision__criterion__evidence_links__evidence__location__gt="",
    ).values_list("sample_id", "decision__criterion__evidence_links__evidence__location")
    for rows in (judged, behind_decisions):
        for sample_id, location in rows.distinct():
            found[sample_id].add(location)
    return found


def coverage(plan: SamplingPlan, data: PlanData | None = None) -> Coverage:
    """The plan's coverage matrices and per-assessor progress, in a fixed number of queries."""
    data = data or load_plan_data(plan)
    rates = assessor_rates(plan, data.assessor_ids, working_towards=data.trainee_assessor_ids)

    progress = {
        assessor.pk: AssessorProgress(assessor=assessor, rate=rates[assessor.pk]) for assessor in data.assessors
    }
    for work in data.work.values():
        row = progress.get(work.assessor_id)
        if row is None:
            continue
        row.started_units += int(work.started)
        row.signed_units += int(work.signed)
        for kind in KINDS:
            row.done[kind] += int(work.sampled[kind] > 0)
            row.done_final[kind] += int(work.final_sampled[kind] > 0)

    sampled_methods: Counter = Counter()
    sampled_units: Counter = Counter()
    location_counts: Counter = Counter()
    records: Counter = Counter()
    # One column per place, however it was typed: the plan's spelling first, then the first one seen.
    labels: dict[str, str] = {}
    for location in plan.location_list:
        labels.setdefault(_location_key(location), location)
    # A sample the countersignatory returned never took effect: it covers nothing (its units are sampled again).
    counted = [sample for sample in data.samples if not sample.returned]
    on_evidence = evidence_locations(counted)
    for sample in counted:
        # Where the sampled assessments took place: what the IQA recorded and what the evidence itself records.
        places = {}
        for location in [sample.location, *sorted(on_evidence.get(sample.pk, ()))]:
            key = _location_key(location)
            if key:
                places.setdefault(labels.setdefault(key, " ".join(location.split())), None)
        for label in places:
            location_counts[(sample.assessor_id, label)] += 1
        records.update(sample.records_checked)
        for sample_unit in sample.units.all():
            sampled_units[sample_unit.unit_id] += 1
            for code in sample_unit.methods:
                sampled_methods[(sample_unit.unit_id, code)] += 1

    available = defaultdict(set)
    learner_sampled = {registration.pk: {kind: 0 for kind in KINDS} for registration in data.registrations}
    learner_possible = {registration.pk: {kind: False for kind in KINDS} for registration in data.registrations}
    for work in data.work.values():
        available[work.unit.pk].update(work.methods)
        learner_possible[work.registration.pk][SampleKind.INTERIM] |= work.started and not work.assessor_signed
        learner_possible[work.registration.pk][SampleKind.SUMMATIVE] |= work.signed
    for sample in counted:
        learner_sampled[sample.registration_id][sample.kind] += 1

    # The units some learner in the plan takes (all of them for an "all units" qualification).
    on_plans = {work.unit.pk for work in data.work.values()} or {unit.pk for unit in data.units}
    unit_rows = [
        UnitRow(
            unit=unit,
            cells=[
                MethodCell(method, sampled_methods[(unit.pk, method.code)], method.code in available[unit.pk])
                for method in data.methods
            ],
            sampled=sampled_units[unit.pk],
        )
        for unit in data.units
        if unit.pk in on_plans
    ]
    learner_rows = [
        LearnerRow(registration, learner_sampled[registration.pk], learner_possible[registration.pk])
        for registration in data.registrations
    ]
    locations = list(dict.fromkeys(labels.values()))
    location_rows = [
        LocationRow(assessor, [location_counts[(assessor.pk, location)] for location in locations])
        for assessor in data.assessors
    ]
    record_rows = [(label, records[code]) for code, label in RecordChecked.choices]
    return Coverage(
        plan=plan,
        data=data,
        assessors=list(progress.values()),
        methods=data.methods,
        units=unit_rows,
        learners=learner_rows,
        locations=locations,
        assessor_locations=location_rows,
        records=record_rows,
    )


def shared_learner_rows(cover: Coverage, scope: dict[int, set[int] | None], samples) -> list[LearnerRow]:
    """Learner rows as an EQA may see them: only the shared registrations, counting only the given (visible)
    samples and only the shared units' work."""
    rows = []
    for registration in cover.data.registrations:
        if registration.pk not in scope:
            continue
        shared = scope[registration.pk]
        sampled = {kind: 0 for kind in KINDS}
        for sample in samples:
            if sample.registration_id == registration.pk and not sample.returned:
                sampled[sample.kind] += 1
        possible = {kind: False for kind in KINDS}
        for (registration_id, unit_id), work in cover.data.work.items():
            if registration_id == registration.pk and (shared is None or unit_id in shared):
                possible[SampleKind.INTERIM] |= work.started and not work.assessor_signed
                possible[SampleKind.SUMMATIVE] |= work.signed
        rows.append(LearnerRow(registration, sampled, possible))
    return rows


# --- Proposals ----------------------------------------------------------------------------------------------


@dataclass
class Proposal:
    registration: Registration
    kind: str
    units: list[Unit]
    reasons: list[str]
    score: float

    @property
    def kind_label(self) -> str:
        return SampleKind(self.kind).label


def eligible_for(work: UnitWork, kind: str) -> bool:
    """Whether this unit of work can be sampled this way now (interim: in progress; summative: signed off)."""
    if kind == SampleKind.INTERIM:
        return work.started and not work.assessor_signed and not work.sampled[SampleKind.INTERIM]
    return work.signed and not work.iqa_signed and not work.summative_agreed and not work.summative_pending


def may_sample(work: UnitWork, iqa_id: int, interests: set[int]) -> bool:
    """Whether the IQA may sample it (centres.conflicts decides, from the facts the plan has loaded)."""
    return conflicts.iqa_may_sample(iqa_id, work.registration, interests=interests, makers=work.makers)


def propose_samples(plan: SamplingPlan, *, iqa, cover: Coverage | None = None, limit: int = 5) -> list[Proposal]:
    """The next samples (at most `limit` learners) that close the largest gaps, for this IQA to take.

    Greedy: each pick updates what is covered, so the next pick closes a different gap. Work the IQA may
    not sample (their own learners or decisions, declared interests) is never proposed."""
    cover = cover or coverage(plan)
    data = cover.data
    interests = conflicts.interested_learner_ids(iqa, plan.centre_id)
    progress = cover.progress_by_assessor
    shortfall = {(a_id, kind): row.shortfall(kind) for a_id, row in progress.items() for kind in KINDS}
    planned = {(a_id, kind): row.planned[kind] for a_id, row in progress.items() for kind in KINDS}
    done = {(a_id, kind): row.done[kind] for a_id, row in progress.items() for kind in KINDS}
    covered_methods = {(row.unit.pk, cell.method.code) for row in cover.units for cell in row.cells if cell.sampled}
    unit_sampled = {row.unit.pk for row in cover.units if row.sampled}
    learner_sampled = {row.registration.pk: dict(row.sampled) for row in cover.learners}

    registration_order = {registration.pk: index for index, registration in enumerate(data.registrations)}
    unit_order = {unit.pk: index for index, unit in enumerate(data.units)}
    # Ties go to the first in the learners' and units' own order, so proposals are stable between visits.
    candidates = sorted(
        (
            (work, kind)
            for work in data.work.values()
            for kind in KINDS
            if eligible_for(work, kind) and may_sample(work, iqa.pk, interests)
        ),
        key=lambda item: (registration_order[item[0].registration.pk], unit_order[item[0].unit.pk], item[1]),
    )

    def score(work: UnitWork, kind: str, explain: bool = True) -> tuple[float, list[str]]:
        """The value of sampling this work now and, when `explain`, the reasons in words."""
        reasons: list[str] = []
        value = 0.0
        registration = work.registration
        key = (work.assessor_id, kind)
        if shortfall.get(key, 0) > 0:
            rate = progress[work.assessor_id].rate.rate_percent
            value += 3 + rate / 50
            if explain:
                reasons.append(
                    f"{registration.assessor}'s {kind} sampling is behind plan ({done[key]} of {planned[key]} "
                    f"at {rate}%)"
                )
        seen = learner_sampled.get(registration.pk, {})
        if not any(seen.values()):
            value += 2
            if explain:
                reasons.append(f"{registration.learner} has not been sampled yet")
        elif not seen.get(kind):
            value += 1
            if explain:
                reasons.append(f"{registration.learner} has no {kind} sample yet")
        new_methods = sorted(code for code in work.methods if (work.unit.pk, code) not in covered_methods)
        if new_methods:
            value += min(len(new_methods), 3)
            if explain:
                reasons.append(f"methods not yet sampled on unit {work.unit.reference}: {', '.join(new_methods)}")
        if work.unit.pk not in unit_sampled:
            value += 1
            if explain:
                reasons.append(f"unit {work.unit.reference} not yet sampled in this plan")
        if value and kind == SampleKind.SUMMATIVE:
            value += 0.5  # signed work stands between the learner and their certificate
        return value, reasons

    groups: dict[tuple[int, str], Proposal] = {}

    def may_join(work: UnitWork, kind: str) -> bool:
        group = groups.get((work.registration.pk, kind))
        if group is None:
            return len(groups) < limit
        return len(group.units) < MAX_UNITS_PER_PROPOSAL

    # Lazy greedy: a candidate's score only falls as picks cover more (shortfalls shrink, learners, units and
    # methods become sampled), and one that cannot join a proposal never can again. So each candidate waits in a
    # heap under its last score, and only the one on top is scored afresh: if its score held, nothing below can
    # beat it, and ties still go to the earliest candidate, exactly as scoring every candidate on every pick would.
    heap = [(-score(work, kind, explain=False)[0], index) for index, (work, kind) in enumerate(candidates)]
    heap = [entry for entry in heap if entry[0] < 0]
    heapq.heapify(heap)
    while heap:
        bound, index = heapq.heappop(heap)
        work, kind = candidates[index]
        if not may_join(work, kind):
            continue
        value, _ = score(work, kind, explain=False)
        if value <= 0:
            continue
        if value < -bound:
            heapq.heappush(heap, (-value, index))
            continue
        reasons = score(work, kind)[1]
        group = groups.get((work.registration.pk, kind))
        if group is None:
            group = groups[(work.registration.pk, kind)] = Proposal(work.registration, kind, [], [], 0.0)
        group.units.append(work.unit)
        group.score += value
        for reason in reasons:
            if reason not in group.reasons:
                group.reasons.append(reason)
        key = (work.assessor_id, kind)
        if shortfall.get(key, 0) > 0:
            shortfall[key] -= 1
            done[key] += 1
        learner_sampled.setdefault(work.registration.pk, {})[kind] = 1
        covered_methods.update((work.unit.pk, code) for code in work.methods)
        unit_sampled.add(work.unit.pk)
    for group in groups.values():
        group.units.sort(key=lambda unit: unit_order[unit.pk])
    return sorted(groups.values(), key=lambda group: -group.score)
