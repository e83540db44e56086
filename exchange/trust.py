"""Whether an imported portfolio still checks out: its kept chains recomputed, their heads the ones the new
registration's own chain recorded at import, and each carried-over unit's signatures found in them unchanged.
The certification check (quality) asks it, through its hook, before it counts a carried-over unit as achieved."""

from __future__ import annotations

import json
from collections import defaultdict

from django.utils.translation import gettext as _

from ledger.hashing import entry_hash, sha256_text
from ledger.models import GENESIS, ChainEntry

from .models import ImportedUnit, PortfolioImport


def _chain_problem(entries: list[dict], length: int, head: str) -> str:
    previous = GENESIS
    for position, entry in enumerate(entries, 1):
        if (
            entry.get("seq") != position
            or entry.get("previous_hash") != previous
            or sha256_text(entry.get("content", "")) != entry.get("content_hash")
            or entry_hash(
                seq=entry["seq"],
                kind=entry["kind"],
                object_ref=entry["object_ref"],
                recorded_at=entry["recorded_at"],
                content_hash=entry["content_hash"],
                previous_hash=entry["previous_hash"],
            )
            != entry.get("entry_hash")
        ):
            return _("entry %(seq)d does not match") % {"seq": position}
        previous = entry["entry_hash"]
    if len(entries) != length or previous != head:
        return _("it no longer ends in the head recorded at import")
    return ""


def import_problem(imported: PortfolioImport, recorded: list[dict], units: list[ImportedUnit]) -> str:
    """What does not check out in the import, in words ("" when it all does). `recorded`: the contents of the
    registration's own "imported" chain entries."""
    parts = imported.parts()
    heads = {entry.get("chain_head") for entry in recorded}
    heads |= {earlier.get("chain_head") for entry in recorded for earlier in entry.get("earlier", [])}
    for part in parts:
        centre = (part.get("centre") or {}).get("name", "")
        problem = _chain_problem(part["entries"], part["chain"]["length"], part["chain"]["head"])
        if not problem and part["chain"]["head"] not in heads:
            problem = _("its head is not the one this registration's history recorded at import")
        if problem:
            return _("the chain imported from %(centre)s does not verify: %(problem)s") % {
                "centre": centre,
                "problem": problem,
            }
    for unit in units:
        entries = parts[unit.part]["entries"] if unit.part < len(parts) else []
        for signature in unit.signatures:
            seq = signature.get("seq") or 0
            entry = entries[seq - 1] if 0 < seq <= len(entries) else None
            if entry is None or entry["content_hash"] != signature.get("content_hash"):
                return _("the signatures of unit %(unit)s are not the ones its chain recorded") % {
                    "unit": unit.unit.reference
                }
            content = json.loads(entry["content"])
            if content.get("unit") != unit.unit.reference or content.get("voided_at"):
                return _("the signatures of unit %(unit)s are not the ones its chain recorded") % {
                    "unit": unit.unit.reference
                }
    return ""


def imported_units_verified(registration_ids: list[int]) -> dict[tuple[int, int], str]:
    """(registration id, unit id) -> "" for each unit carried over with an import that checks out, else what does
    not. Three queries whatever the number of registrations."""
    units = defaultdict(list)
    for unit in ImportedUnit.objects.filter(registration_id__in=registration_ids).select_related("unit"):
        units[unit.registration_id].append(unit)
    if not units:
        return {}
    recorded = defaultdict(list)
    for registration_id, content in ChainEntry.objects.filter(
        registration_id__in=list(units), kind="imported"
    ).values_list("registration_id", "content"):
        recorded[registration_id].append(json.loads(content))
    result = {}
    for imported in PortfolioImport.objects.filter(registration_id__in=list(units)):
        problem = import_problem(imported, recorded[imported.registration_id], units[imported.registration_id])
        for unit in units[imported.registration_id]:
            result[(imported.registration_id, unit.unit_id)] = problem
    return result
