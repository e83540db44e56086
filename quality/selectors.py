"""Reads reused by the quality pages and the EQA pack, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .models import Action, SampleDecision, SampleRecord, SampleUnit


@dataclass
class SampleUnitDetail:
    sample_unit: SampleUnit
    decisions: list[SampleDecision] = field(default_factory=list)

    @property
    def unit(self):
        return self.sample_unit.unit


@dataclass
class SampleDetail:
    sample: SampleRecord
    units: list[SampleUnitDetail] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def sample_details(samples: list[SampleRecord]) -> dict[int, SampleDetail]:
    """Each sample's units with the decisions reviewed, and its actions: three queries for any number of samples."""
    details = {sample.pk: SampleDetail(sample) for sample in samples}
    ids = list(details)
    by_unit: dict[tuple[int, int], SampleUnitDetail] = {}
    for sample_unit in SampleUnit.objects.filter(sample_id__in=ids).select_related("unit").order_by("unit__reference"):
        entry = SampleUnitDetail(sample_unit)
        details[sample_unit.sample_id].units.append(entry)
        by_unit[(sample_unit.sample_id, sample_unit.unit_id)] = entry
    decisions = (
        SampleDecision.objects.filter(sample_id__in=ids)
        .select_related("link__evidence", "link__criterion", "decision__criterion", "assessor")
        .order_by("id")
    )
    grouped = defaultdict(list)
    for decision in decisions:
        grouped[(decision.sample_id, decision.unit_id)].append(decision)
    for key, entry in by_unit.items():
        entry.decisions = sorted(
            grouped.get(key, []),
            key=lambda d: ((d.link.criterion if d.link_id else d.decision.criterion).order, d.pk),
        )
    for action in Action.objects.filter(sample_id__in=ids).select_related("assessor", "closed_by").order_by("due_on"):
        details[action.sample_id].actions.append(action)
    return details
