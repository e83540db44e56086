"""Units carried over from another registration of the learner: apps above portfolio provide them (tracking
keeps the records, since a carry rests on a sign-off), with a marker that lets a plan query say whether to ask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value


@dataclass(frozen=True)
class CarriedUnit:
    """A unit of the plan carried over from its sign-off in another registration of the same learner.

    While it `counts`, the unit's criteria, evidence and dates are the source registration's, read-only; once the
    source unit is reopened it no longer counts and the unit stands on this registration's own portfolio."""

    source_registration_id: int
    label: str  # "Carried over from <qualification> (signed off <date>)", or why it no longer counts
    counts: bool
    record: object = None  # the record of the app that carried it (tracking.CarriedOverUnit)
    # Signed off outside this database (a portfolio imported from another centre): every criterion the unit
    # requires counts as met, and source_registration_id is the registration itself.
    complete_elsewhere: bool = False
    # For a unit complete elsewhere: criterion label ("<unit reference> <code>") -> its decision there.
    original_decisions: Mapping[str, OriginalDecision] = field(default_factory=dict)
    # For a unit complete elsewhere: the page that holds its evidence (the imported files).
    evidence_url: str = ""


@dataclass(frozen=True)
class OriginalDecision:
    """A criterion decision made at another centre, as the imported chain recorded it: final and read-only. It
    reads like a CriterionDecision where the sheet and progress read one, and is no row here (no pk, no users)."""

    criterion_label: str
    met_on: dt.date | None
    decided_by_name: str
    decided_at: dt.datetime | None
    chain_seq: int | None  # the entry of the imported chain that recorded it (None: the sign-off vouches for it)
    content_hash: str = ""
    countersign_status: str = "not_required"
    is_met: bool = True
    is_final: bool = True
    pk: None = None
    decided_by_id: None = None
    countersigned_by_id: None = None


# Apps above portfolio say which units of a plan are carried over (tracking keeps the records, since a carry rests
# on a sign-off). A provider takes registration ids and returns (registration id, unit id) -> CarriedUnit in a
# fixed number of queries; see register_carried_units.
CarriedUnitsProvider = Callable[[list[int]], dict[tuple[int, int], CarriedUnit]]


# With each provider, a marker: given references to a plan entry's registration id and unit id, an expression that
# is true when the provider may carry that unit (an Exists), so a plan read with it says whether to ask at all.
CarriedUnitsMarker = Callable[[OuterRef, OuterRef], Exists]


_carried_providers: list[tuple[CarriedUnitsProvider, CarriedUnitsMarker]] = []


def register_carried_units(provider: CarriedUnitsProvider, marker: CarriedUnitsMarker) -> CarriedUnitsProvider:
    """Add a provider of carried-over units and its marker (call it from the app's AppConfig.ready). Idempotent."""
    if all(provider is not registered for registered, _ in _carried_providers):
        _carried_providers.append((provider, marker))
    return provider


def carried_units(registration_ids: list[int]) -> dict[tuple[int, int], CarriedUnit]:
    result: dict[tuple[int, int], CarriedUnit] = {}
    for provider, _ in _carried_providers:
        result.update(provider(registration_ids))
    return result


def not_carried(plan):
    """The plan entries no provider holds a carry of: the same rows as filtering `with_carried_marker` on
    may_be_carried=False, written as one NOT EXISTS per provider, which the database answers as anti-joins over
    a whole centre's plan, where NOT (EXISTS ... OR EXISTS ...) is evaluated entry by entry."""
    registration, unit = OuterRef("registration_id"), OuterRef("unit_id")
    for _, marker in _carried_providers:
        plan = plan.exclude(marker(registration, unit))
    return plan


def with_carried_marker(plan):
    """The plan entries, each with `may_be_carried`: whether some provider holds a carry of it (read in the same
    query, so a plan with none, the usual case, costs no query to the providers)."""
    if not _carried_providers:
        return plan.annotate(may_be_carried=Value(False, output_field=BooleanField()))
    registration, unit = OuterRef("registration_id"), OuterRef("unit_id")
    markers = [marker(registration, unit) for _, marker in _carried_providers]
    if len(markers) == 1:
        return plan.annotate(may_be_carried=markers[0])
    return plan.annotate(may_be_carried=ExpressionWrapper(Q(*markers, _connector=Q.OR), output_field=BooleanField()))
