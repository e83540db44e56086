"""The next samples that would close the largest gaps in a plan's coverage, and what may be sampled now."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from centres import conflicts
from portfolio.models import Registration
from qualifications.models import Unit
from quality.models import SampleKind, SamplingPlan
from quality.services.plan_data import UnitWork

from .measure import coverage
from .rows import KINDS, Coverage

MAX_UNITS_PER_PROPOSAL = 3


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
