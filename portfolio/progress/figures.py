"""Progress figures of many registrations at once (criteria met of required, evidence awaiting review), in
one query whatever their number."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, IntegerField, Q, Value, When

from core.compiled import CompiledRead
from portfolio.models import CriterionDecision, Evidence, EvidenceLink, RegistrationUnit
from qualifications.cache import catalogue as cached_catalogue

from .carried import carried_units, with_carried_marker
from .statuses import FINAL


@dataclass(frozen=True)
class Progress:
    met: int
    required: int
    awaiting_review: int

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.required) if self.required else 0


def _kind(name: str) -> Value:
    return Value(name, output_field=CharField())


_NOTHING = Value(None, output_field=IntegerField())


def _met_decisions(registration_ids):
    return (
        CriterionDecision.objects.filter(
            registration_id__in=registration_ids, is_met=True, countersign_status__in=FINAL
        )
        .order_by()
        .values("registration_id", "criterion__unit_id", "criterion__pathway_id")
        .annotate(n=Count("id"))
        .values_list(_kind("met"), "registration_id", "criterion__unit_id", "criterion__pathway_id", "n")
    )


def _progress_rows_query(registration_ids: list[int]):
    # Each plan entry says whether it may be carried over from another registration (its last column), so the
    # carries, and the decisions of their sources, are read only when some are.
    plans = (
        with_carried_marker(RegistrationUnit.objects.filter(registration_id__in=registration_ids))
        .order_by()
        .annotate(carried=Case(When(may_be_carried=True, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .values_list(_kind("plan"), "registration_id", "unit_id", _NOTHING, "carried")
    )
    awaiting_review = (
        Evidence.objects.filter(registration_id__in=registration_ids, is_current=True, status=Evidence.Status.SUBMITTED)
        .filter(Q(links__status=EvidenceLink.Status.PENDING))
        .order_by()
        .values("registration_id")
        .annotate(n=Count("id", distinct=True))
        .values_list(_kind("awaiting"), "registration_id", _NOTHING, _NOTHING, "n")
    )
    return plans.union(_met_decisions(registration_ids), awaiting_review, all=True)


_progress_rows = CompiledRead(_progress_rows_query)


def registration_progress(registrations) -> dict[int, Progress]:
    """Criteria met of criteria required, and evidence awaiting review, for many registrations in one query
    (whatever their number and size): their plans (each entry with whether it may be carried over), their met
    decisions counted by unit and pathway, and their evidence awaiting review counted, as one UNION; the criteria to
    meet come from the catalogue in memory. Only when some unit is carried over, one query for the carries and one
    for their sources' met decisions."""
    registrations = list(registrations)
    ids = [registration.pk for registration in registrations]
    if not ids:
        return {}
    pathway_of = {registration.pk: registration.pathway_id for registration in registrations}

    plan: dict[int, set[int]] = defaultdict(set)
    met_rows, awaiting, may_carry = [], {}, set()
    for row_kind, registration_id, unit_id, pathway_id, n in _progress_rows(registration_ids=ids):
        if row_kind == "plan":
            plan[registration_id].add(unit_id)
            if n:
                may_carry.add(registration_id)
        elif row_kind == "met":
            met_rows.append((registration_id, unit_id, pathway_id, n))
        else:
            awaiting[registration_id] = n
    # A carried unit that still counts is met as it was in its source registration.
    carried = {}
    if may_carry:
        carried = {key: carry for key, carry in carried_units(sorted(may_carry)).items() if carry.counts}
    sources = {carry.source_registration_id for carry in carried.values()} - set(ids)
    if sources:
        met_rows += [tuple(row[1:]) for row in _met_decisions(sorted(sources))]
    met_in_unit = {(registration_id, unit_id, pathway_id): n for registration_id, unit_id, pathway_id, n in met_rows}
    all_units = set().union(*plan.values()) if plan else set()
    counts = cached_catalogue().criteria_counts(all_units)
    met: dict[int, int] = defaultdict(int)
    for registration_id in ids:
        for unit_id in plan[registration_id]:
            carry = carried.get((registration_id, unit_id))
            source_id = carry.source_registration_id if carry is not None else registration_id
            met_here = counts if carry is not None and carry.complete_elsewhere else None
            for pathway_id in {None, pathway_of[registration_id]}:
                if met_here is not None:
                    met[registration_id] += met_here.get((unit_id, pathway_id), 0)
                else:
                    met[registration_id] += met_in_unit.get((source_id, unit_id, pathway_id), 0)
    result = {}
    for registration_id in ids:
        required = sum(
            n
            for (unit_id, pathway_id), n in counts.items()
            if unit_id in plan[registration_id] and pathway_id in (None, pathway_of[registration_id])
        )
        result[registration_id] = Progress(
            met=met[registration_id], required=required, awaiting_review=awaiting.get(registration_id, 0)
        )
    return result
