"""Reading a verified portable portfolio for import: its qualification and units found in this centre's catalogue,
its chains (the sending centre's and, when that centre had imported the portfolio in turn, the earlier centres'),
and the units signed off in each. Whatever cannot be read or found is an ImportRefused naming it."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from collections import defaultdict

from django.utils.translation import gettext as _

from core.errors import DomainError
from qualifications.models import AssessmentCriterion, Pathway, Qualification, QualificationUnit
from qualifications.services.combination import plan_for

from .building import FORMAT, FORMAT_VERSION

SIGNATURE_KINDS = ("signature", "signature_voided", "eqa_signature")
SIGNED_OFF_ROLES = {"learner", "assessor"}


class ImportRefused(DomainError):
    """The ZIP was refused; `problems` names each thing wrong. Nothing was stored."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))

    def field_errors(self) -> dict[str | None, list[str]]:
        return {"archive": self.problems}


@dataclasses.dataclass
class Plan:
    qualification: Qualification
    pathway: Pathway | None
    optional_units: list
    units_by_reference: dict
    criteria_by_label: dict


@dataclasses.dataclass
class Part:
    """One chain of the ZIP: an earlier centre's (from its `earlier` section) or the sending centre's own."""

    centre: dict
    exported_at: str
    length: int
    head: str
    entries: list[dict]
    evidence_paths: dict[int, str]  # chain entry number -> path in the ZIP

    def stored(self) -> dict:
        """As PortfolioImport.earlier keeps it."""
        return {
            "centre": self.centre,
            "exported_at": self.exported_at,
            "chain": {"length": self.length, "head": self.head},
            "entries": self.entries,
        }


def read_json(zip_file: zipfile.ZipFile, name: str) -> dict:
    try:
        with zip_file.open(name) as handle:
            data = json.loads(handle.read())
    except KeyError:
        raise ImportRefused([_("Missing file: %s.") % name]) from None
    if not isinstance(data, dict):
        raise ImportRefused([_("Changed file: %s does not hold what the format describes.") % name])
    return data


def parts_of(zip_file: zipfile.ZipFile, manifest: dict) -> list[Part]:
    """The ZIP's chains, oldest first, the sending centre's own last."""
    parts = []
    for earlier in manifest.get("earlier", []):
        parts.append(
            Part(
                centre=earlier.get("centre") or {},
                exported_at=earlier.get("exported_at", ""),
                length=earlier["chain"]["length"],
                head=earlier["chain"]["head"],
                entries=read_json(zip_file, earlier["chain"]["path"])["entries"],
                evidence_paths={item["seq"]: item["path"] for item in earlier.get("evidence_files", [])},
            )
        )
    parts.append(
        Part(
            centre=manifest.get("centre") or {},
            exported_at=manifest.get("exported_at", ""),
            length=manifest["chain"]["length"],
            head=manifest["chain"]["head"],
            entries=read_json(zip_file, "chain.json")["entries"],
            evidence_paths={item["seq"]: item["path"] for item in manifest.get("evidence_files", [])},
        )
    )
    return parts


def catalogue_plan(manifest: dict, catalogue: dict) -> Plan:
    """The qualification, pathway and units of the export, found in this centre's catalogue (or refused)."""
    problems = []
    number = (manifest.get("qualification") or {}).get("number", "")
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ImportRefused([_("This is not a portable portfolio of format version %s.") % FORMAT_VERSION])
    if not manifest.get("catalogue_version"):
        problems.append(_("The manifest names no catalogue version."))
    qualification = Qualification.objects.filter(number=number).first()
    if qualification is None:
        raise ImportRefused(
            [_("Unknown qualification: %(number)s is not in this centre's catalogue.") % {"number": number or "—"}]
        )
    memberships = QualificationUnit.objects.filter(qualification=qualification).select_related("unit")
    units_by_reference = {m.unit.reference: m.unit for m in memberships}
    references = [unit.get("reference") for unit in catalogue.get("units", [])]
    for reference in references:
        if reference not in units_by_reference:
            problems.append(
                _("Unknown unit: %(unit)s is not a unit of %(number)s in this centre's catalogue.")
                % {"unit": reference, "number": number}
            )
    pathway = None
    if catalogue.get("pathway"):
        pathway = Pathway.objects.filter(name=catalogue["pathway"]).first()
        if pathway is None:
            problems.append(_("Unknown pathway: %(name)s.") % {"name": catalogue["pathway"]})
    if problems:
        raise ImportRefused(problems)
    criteria_by_label = {
        f"{c.unit.reference} {c.code}": c
        for c in AssessmentCriterion.objects.filter(unit__in=units_by_reference.values()).select_related("unit")
    }
    mandatory = {unit.pk for unit in plan_for(qualification, [])}
    optional = [units_by_reference[r] for r in references if units_by_reference[r].pk not in mandatory]
    return Plan(qualification, pathway, optional, units_by_reference, criteria_by_label)


def _latest_by_ref(chain: list[dict], kinds) -> dict[str, dict]:
    """The last content the chain recorded for each object (a voided signature overrides its signing)."""
    latest = {}
    for entry in chain:
        if entry["kind"] in kinds:
            latest[entry["object_ref"]] = {
                **json.loads(entry["content"]),
                "seq": entry["seq"],
                "content_hash": entry["content_hash"],
            }
    return latest


def signed_off_units(chain: list[dict]) -> dict[str, dict]:
    """unit reference -> its live signatures and criterion decisions, for each unit with a live learner and
    assessor signature in this chain."""
    signatures: dict[str, list[dict]] = defaultdict(list)
    for signature in _latest_by_ref(chain, SIGNATURE_KINDS).values():
        if not signature.get("voided_at"):
            signatures[signature["unit"]].append(signature)
    decisions: dict[str, list[dict]] = defaultdict(list)
    for decision in _latest_by_ref(chain, {"decision", "countersignature"}).values():
        if "is_met" in decision:  # a decision, or a countersignature of one (a link's has a status instead)
            decisions[decision["criterion"].rsplit(" ", 1)[0]].append(decision)
    result = {}
    for unit, live in signatures.items():
        if SIGNED_OFF_ROLES <= {signature["role"] for signature in live}:
            live.sort(key=lambda signature: signature["seq"])
            result[unit] = {"signatures": live, "criteria": sorted(decisions[unit], key=lambda d: d["seq"])}
    return result


def units_of(parts: list[Part]) -> dict[str, dict]:
    """unit reference -> where it was signed off (part, centre) with its signatures and decisions, from every
    chain of the ZIP; a unit signed off in a later chain is taken from there."""
    units = {}
    for index, part in enumerate(parts):
        for reference, record in signed_off_units(part.entries).items():
            units[reference] = {**record, "part": index, "centre": part.centre.get("name", "")}
    return units
