"""Units signed off at another centre and imported with the learner's portfolio count as carried over here
(portfolio.progress's carried units, as tracking's carries between a learner's own registrations do): the sheet
says so and no one signs them again; the original signatures are shown on the import's page."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from portfolio.progress import CarriedUnit

from .models import ImportedUnit


def imported_units_marker(registration_id: OuterRef, unit_id: OuterRef) -> Exists:
    return Exists(ImportedUnit.objects.filter(registration_id=registration_id, unit_id=unit_id))


def imported_units_provider(registration_ids: list[int]) -> dict[tuple[int, int], CarriedUnit]:
    rows = ImportedUnit.objects.filter(registration_id__in=registration_ids).select_related("portfolio_import")
    return {
        (row.registration_id, row.unit_id): CarriedUnit(
            # The criteria and evidence of the first centre are in the import, not in a registration here.
            source_registration_id=row.registration_id,
            label=(
                f"Carried over from {row.portfolio_import.source_centre_name} "
                f"(signed off {row.signed_off_at:%d %B %Y}, imported portfolio)"
            ),
            counts=True,
            record=row,
            complete_elsewhere=True,
        )
        for row in rows
    }
