"""Measuring what a plan has covered, from the plan's loaded data, and what of it an EQA may see."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import F

from core.compiled import CompiledRead
from portfolio.models import counting_links_q
from quality.models import RecordChecked, SampleDecision, SampleKind, SamplingPlan
from quality.services.plan_data import PlanData, load_plan_data
from quality.services.risk import assessor_rates

from .rows import KINDS, AssessorProgress, Coverage, LearnerRow, LocationRow, MethodCell, UnitRow


def _location_key(location: str) -> str:
    return " ".join(location.split()).casefold()


# The locations on the evidence each sample judged, and on the accepted evidence behind each "met" decision it
# sampled: SQL built once per process (core.compiled).
_judged_locations = CompiledRead(
    lambda sample_ids: (
        SampleDecision.objects.filter(sample_id__in=sample_ids, link__evidence__location__gt="")
        .values_list("sample_id", "link__evidence__location")
        .distinct()
    )
)
_locations_behind_decisions = CompiledRead(
    lambda sample_ids: (
        SampleDecision.objects.filter(
            counting_links_q("decision__criterion__evidence_links__"),
            sample_id__in=sample_ids,
            decision__criterion__evidence_links__evidence__registration_id=F("decision__registration_id"),
            decision__criterion__evidence_links__evidence__location__gt="",
        )
        .values_list("sample_id", "decision__criterion__evidence_links__evidence__location")
        .distinct()
    )
)


def evidence_locations(samples) -> dict[int, set[str]]:
    """The assessment locations recorded on the evidence each sample reviewed (keyed by sample id): the evidence
    of each judgement it sampled, and the accepted evidence behind each "met" decision it sampled. Two queries
    (none without samples)."""
    ids = [sample.pk for sample in samples]
    found: dict[int, set[str]] = defaultdict(set)
    if not ids:
        return found
    for read in (_judged_locations, _locations_behind_decisions):
        for sample_id, location in read(sample_ids=ids):
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
