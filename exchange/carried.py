"""Units signed off at another centre and imported with the learner's portfolio count as carried over here
(portfolio.progress's carried units, as tracking's carries between a learner's own registrations do): the sheet
shows their criteria met with the original decisions, dates and signers, their original signatures with the sheet
hashes they signed, and no one signs them again."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from portfolio.progress import CarriedUnit, OriginalDecision
from qualifications.cache import catalogue

from .models import ImportedUnit


def imported_units_marker(registration_id: OuterRef, unit_id: OuterRef) -> Exists:
    return Exists(ImportedUnit.objects.filter(registration_id=registration_id, unit_id=unit_id))


def carried_label(centre: str, signed_off_at: dt.datetime) -> str:
    return _("Carried over from %(centre)s (signed off %(date)s, imported portfolio)") % {
        "centre": centre,
        "date": formats.date_format(signed_off_at, "j F Y"),
    }


def original_decisions(row: ImportedUnit) -> dict[str, OriginalDecision]:
    """Each criterion of the unit with its decision at the centre that signed it off (the last the chain recorded);
    a criterion the chain holds no met decision for is met by the sign-off itself, on its date."""
    recorded = {decision["criterion"]: decision for decision in row.criteria if decision.get("is_met")}
    result = {}
    for criterion in catalogue().criteria_of(row.unit_id):
        label = f"{row.unit.reference} {criterion.code}"
        decision = recorded.get(label)
        if decision is None:
            result[label] = OriginalDecision(label, row.signed_off_at.date(), "", row.signed_off_at, None)
            continue
        met_on = decision.get("met_on")
        result[label] = OriginalDecision(
            criterion_label=label,
            met_on=dt.date.fromisoformat(met_on) if met_on else None,
            decided_by_name=decision.get("decided_by", ""),
            decided_at=parse_datetime(decision["decided_at"]) if decision.get("decided_at") else None,
            chain_seq=decision.get("seq"),
            content_hash=decision.get("content_hash", ""),
            countersign_status=decision.get("countersign_status") or "not_required",
        )
    return result


def imported_units_provider(registration_ids: list[int]) -> dict[tuple[int, int], CarriedUnit]:
    rows = (
        ImportedUnit.objects.filter(registration_id__in=registration_ids)
        .select_related("unit")
        .annotate(sent_by=F("portfolio_import__source_centre_name"))
    )
    return {
        (row.registration_id, row.unit_id): CarriedUnit(
            # The criteria and evidence of the first centre are in the import, not in a registration here.
            source_registration_id=row.registration_id,
            label=carried_label(row.centre_name or row.sent_by, row.signed_off_at),
            counts=True,
            record=row,
            complete_elsewhere=True,
            original_decisions=original_decisions(row),
            evidence_url=reverse("exchange:imported", args=[row.registration_id]),
        )
        for row in rows
    }
