"""Reads reused by the quality pages and the EQA pack, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from core.compiled import CompiledCount, CompiledRead
from portfolio.models import CountersignStatus

from .models import (
    Action,
    Outcome,
    SampleDecision,
    SampleKind,
    SampleRecord,
    SampleUnit,
    StandardisationAction,
    StandardisationActivity,
    StandardisationCriterion,
    StandardisationJudgement,
    StandardisationParticipant,
    Verdict,
)


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


def pending_summative_units(registration, unit_ids: list[int]):
    """The units of summative samples of this learner that await a trainee IQA's countersignatory: until confirmed,
    they neither sign nor reopen the unit, and nobody else samples it."""
    return SampleUnit.objects.filter(
        sample__registration=registration,
        sample__kind=SampleKind.SUMMATIVE,
        sample__countersign_status=CountersignStatus.AWAITING,
        unit_id__in=unit_ids,
    )


_pending_sample_rows = CompiledRead(
    lambda registration_id, unit_ids: pending_summative_units(registration_id, unit_ids).values_list(
        "unit_id", "outcome", "sample__iqa__full_name", "sample__iqa__email", "sample__sampled_at"
    )
)


def pending_sample_notes(registration, unit_ids: list[int]) -> dict[int, list[str]]:
    """Sheet notes (tracking.sheets.register_sheet_notes) for units a trainee IQA's summative sample has looked
    at but which wait for their countersignatory before the IQA line is signed or the unit reopened. One query."""
    notes: dict[int, list[str]] = defaultdict(list)
    rows = _pending_sample_rows(registration_id=registration.pk, unit_ids=sorted(unit_ids))
    for unit_id, outcome, name, email, sampled_at in rows:
        notes[unit_id].append(
            f"IQA sample awaiting countersignature ({Outcome(outcome).label.lower()}, by {name or email} on "
            f"{timezone.localtime(sampled_at):%d/%m/%Y}): not final until their countersignatory confirms it."
        )
    return notes


# --- Standardisation -------------------------------------------------------------------------------------------


@dataclass
class JudgementCell:
    participant: StandardisationParticipant
    judgement: StandardisationJudgement | None  # None: not submitted


@dataclass
class CriterionComparison:
    item: StandardisationCriterion
    cells: list[JudgementCell]

    @property
    def verdicts(self) -> list[str]:
        return [cell.judgement.verdict for cell in self.cells if cell.judgement is not None]

    @property
    def agreed(self) -> bool:
        """Every submitted judgement is the same firm verdict (met, or not met); "not sure" is never agreement."""
        verdicts = set(self.verdicts)
        return len(verdicts) == 1 and Verdict.NOT_SURE not in verdicts

    @property
    def agreement_label(self) -> str:
        if not self.verdicts:
            return "No judgements"
        if self.agreed:
            return f"Agree: {Verdict(self.verdicts[0]).label.lower()}"
        counts = {verdict: self.verdicts.count(verdict) for verdict in Verdict.values}
        return "Differ: " + ", ".join(
            f"{count} {Verdict(verdict).label.lower()}" for verdict, count in counts.items() if count
        )


@dataclass
class StandardisationResults:
    activity: StandardisationActivity
    participants: list[StandardisationParticipant]
    rows: list[CriterionComparison]
    actions: list[StandardisationAction]

    @property
    def submitted(self) -> list[StandardisationParticipant]:
        return [participant for participant in self.participants if participant.submitted_at]

    @property
    def differences(self) -> int:
        return sum(1 for row in self.rows if row.verdicts and not row.agreed)


def standardisation_results(activity: StandardisationActivity) -> StandardisationResults:
    """The criterion × assessor table of an activity, only submitted judgements in it: four queries."""
    participants = list(activity.participants.select_related("assessor"))
    criteria = list(activity.criteria.select_related("criterion").order_by("criterion__order", "pk"))
    judgements = {
        (judgement.participant_id, judgement.criterion_id): judgement
        for judgement in StandardisationJudgement.objects.filter(
            participant__activity=activity, participant__submitted_at__isnull=False
        )
    }
    rows = [
        CriterionComparison(
            item,
            [JudgementCell(participant, judgements.get((participant.pk, item.pk))) for participant in participants],
        )
        for item in criteria
    ]
    actions = list(activity.actions.select_related("assessor"))
    return StandardisationResults(activity, participants, rows, actions)


# The plan page's two side reads, their SQL built once per process (core.compiled).
_open_plan_actions = CompiledCount(lambda plan_id: Action.objects.open().filter(sample__plan_id=plan_id))


def _standardisation_of(closed_only: bool, centre_id: int, qualification_id: int):
    activities = StandardisationActivity.objects.filter(centre_id=centre_id, qualification_id=qualification_id)
    if closed_only:
        activities = activities.closed()
    return activities.select_related("unit").order_by("-created_at", "-pk")


_plan_standardisation = CompiledRead(_standardisation_of)


def open_plan_action_count(plan_id: int) -> int:
    """How many actions raised by the plan's samples are still open."""
    return _open_plan_actions(plan_id=plan_id)


def plan_standardisation(plan, *, closed_only: bool) -> list[StandardisationActivity]:
    """The standardisation activities on the plan's qualification at its centre, newest first (only the closed ones
    for an EQA)."""
    return _plan_standardisation(closed_only, centre_id=plan.centre_id, qualification_id=plan.qualification_id)
