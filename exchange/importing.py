"""Importing a portable portfolio exported by another centre (issue 17 part 4: transfer).

The ZIP is checked first with exchange.checking (the one verifier: the same checks as `manage.py verify_portfolio`
and verify.html), then its qualification and units are looked up in this centre's catalogue. Only then is anything
written, in one transaction: the learner's registration here (portfolio's register_learner, which invites a learner
with no account), the units signed off at the first centre as frozen carried-over records with their original
signatures and hashes, the evidence files (bytes checked against the chain's SHA-256 as they are stored), the
imported chain kept as it was, and an "imported" entry in the new registration's chain holding its head. A refusal
leaves nothing: no rows (the transaction) and no files (portfolio.uploads.storing.StoredFiles removes them).

Synchronous: an upload is limited to MAX_UPLOAD_BYTES (the verifier's zip-bomb limits apply to what it holds)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import uuid
import zipfile
from collections import defaultdict

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Centre, Role, record_event
from core.errors import DomainError, NotAllowed
from ledger.services import append
from portfolio.models import Registration
from portfolio.services.registration import register_learner
from portfolio.services.registration.checks import RegistrationInput
from portfolio.uploads.storing import StoredFiles
from qualifications.models import AssessmentCriterion, Pathway, Qualification, QualificationUnit
from qualifications.services.combination import plan_for

from .building import FORMAT, FORMAT_VERSION, safe_name
from .checking import CHUNK, check_zip
from .models import ImportedEvidenceFile, ImportedUnit, PortfolioImport

MAX_UPLOAD_BYTES = 2 * 1024**3
SIGNATURE_KINDS = ("signature", "signature_voided", "eqa_signature")
SIGNED_OFF_ROLES = {"learner", "assessor"}


class ImportRefused(DomainError):
    """The ZIP was refused; `problems` names each thing wrong. Nothing was stored."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))

    def field_errors(self) -> dict[str | None, list[str]]:
        return {"archive": self.problems}


class ImportNotAllowed(ImportRefused, NotAllowed):
    pass


def may_import(user, centre) -> bool:
    return user.is_authenticated and user.is_active and has_role(user, Role.CENTRE_ADMIN, centre)


@dataclasses.dataclass
class _Plan:
    qualification: Qualification
    pathway: Pathway | None
    optional_units: list
    units_by_reference: dict
    criteria_by_label: dict


def _sha256_of(archive) -> str:
    archive.seek(0)
    digest = hashlib.sha256()
    while chunk := archive.read(CHUNK):
        digest.update(chunk)
    archive.seek(0)
    return digest.hexdigest()


def _read_json(zip_file: zipfile.ZipFile, name: str) -> dict:
    try:
        with zip_file.open(name) as handle:
            data = json.loads(handle.read())
    except KeyError:
        raise ImportRefused([_("Missing file: %s.") % name]) from None
    if not isinstance(data, dict):
        raise ImportRefused([_("Changed file: %s does not hold what the format describes.") % name])
    return data


def _catalogue_plan(manifest: dict, catalogue: dict) -> _Plan:
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
    return _Plan(qualification, pathway, optional, units_by_reference, criteria_by_label)


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
    assessor signature at the first centre."""
    signatures: dict[str, list[dict]] = defaultdict(list)
    for signature in _latest_by_ref(chain, SIGNATURE_KINDS).values():
        if not signature.get("voided_at"):
            signatures[signature["unit"]].append(signature)
    decisions: dict[str, list[dict]] = defaultdict(list)
    for decision in _latest_by_ref(chain, {"decision"}).values():
        decisions[decision["criterion"].rsplit(" ", 1)[0]].append(decision)
    result = {}
    for unit, live in signatures.items():
        if SIGNED_OFF_ROLES <= {signature["role"] for signature in live}:
            live.sort(key=lambda signature: signature["seq"])
            result[unit] = {"signatures": live, "criteria": sorted(decisions[unit], key=lambda d: d["seq"])}
    return result


def import_portfolio(*, actor, centre: Centre, archive, learner: RegistrationInput) -> PortfolioImport:
    """Check the ZIP (`archive`, a seekable binary file) and, if it verifies, register the learner here with the
    units signed off at the first centre carried over. `learner` gives the learner's email and the details a
    registration here needs (dates, assessor, IQA); its qualification, pathway and units come from the ZIP."""
    if not may_import(actor, centre):
        raise ImportNotAllowed([_("Only an admin of this centre imports portfolios into it.")])
    archive.seek(0, 2)
    if archive.tell() > MAX_UPLOAD_BYTES:
        raise ImportRefused([_("The file is larger than %d GB.") % (MAX_UPLOAD_BYTES // 1024**3)])
    archive.seek(0)
    report = check_zip(archive)
    if not report.ok:
        raise ImportRefused([_("The portfolio does not verify, so nothing was imported."), *report.problems])
    archive.seek(0)
    archive_sha256 = _sha256_of(archive)
    try:
        return _import_verified(actor, centre, archive, learner, report.manifest, archive_sha256)
    except (KeyError, TypeError, ValueError, AttributeError, zipfile.BadZipFile) as error:
        # The ZIP verified (its hashes agree with each other) but holds something this import cannot read: refused,
        # and the transaction and StoredFiles have removed whatever was written.
        raise ImportRefused([_("The portfolio could not be read: %s. Nothing was imported.") % error]) from error


def _import_verified(actor, centre, archive, learner, manifest, archive_sha256) -> PortfolioImport:
    with zipfile.ZipFile(archive) as zip_file:
        plan = _catalogue_plan(manifest, _read_json(zip_file, "catalogue.json"))
        chain = _read_json(zip_file, "chain.json")["entries"]
        units = signed_off_units(chain)
        unknown = [reference for reference in units if reference not in plan.units_by_reference]
        if unknown:
            raise ImportRefused([_("Unknown unit: %s is not in this centre's catalogue.") % ", ".join(unknown)])
        with StoredFiles() as stored, transaction.atomic():
            registration = register_learner(
                actor=actor,
                centre=centre,
                data=dataclasses.replace(
                    learner,
                    qualification=plan.qualification,
                    pathway=plan.pathway,
                    optional_units=plan.optional_units,
                    uln=learner.uln or (manifest.get("learner") or {}).get("uln") or "",
                ),
                # The learner holds this qualification's registration at the first centre: that is the transfer.
                acknowledge_all_warnings=True,
            )
            source = manifest.get("centre") or {}
            imported = PortfolioImport.objects.create(
                registration=registration,
                centre=centre,
                imported_by=actor,
                source_centre_name=source.get("name", ""),
                source_centre_number=source.get("number") or "",
                exported_at=manifest.get("exported_at", ""),
                archive_sha256=archive_sha256,
                chain_length=manifest["chain"]["length"],
                chain_head=manifest["chain"]["head"],
                chain=chain,
                manifest=manifest,
            )
            _store_units(imported, registration, units, plan)
            files = _store_files(imported, registration, zip_file, chain, manifest, stored)
            append(
                registration.pk,
                "imported",
                f"import:{imported.pk}",
                {
                    "from_centre": imported.source_centre_name,
                    "from_centre_number": imported.source_centre_number,
                    "qualification": plan.qualification.number,
                    "exported_at": imported.exported_at,
                    "chain_length": imported.chain_length,
                    "chain_head": imported.chain_head,
                    "archive_sha256": archive_sha256,
                    "units_carried_over": sorted(units),
                    "files": [file.sha256 for file in files],
                },
            )
            record_event(
                action="portfolio.imported",
                obj=imported,
                actor=actor,
                registration=registration,
                summary=(
                    f"Portfolio imported from {imported.source_centre_name}: {len(units)} unit(s) carried over, "
                    f"{len(files)} evidence file(s), chain head {imported.chain_head[:12]}"
                ),
                from_centre=imported.source_centre_name,
                chain_head=imported.chain_head,
                chain_length=imported.chain_length,
                archive_sha256=archive_sha256,
                units_carried_over=sorted(units),
                files=len(files),
            )
    return imported


def _store_units(imported, registration: Registration, units: dict, plan: _Plan) -> None:
    on_plan = set(registration.units.values_list("pk", flat=True))
    rows = []
    for reference, record in sorted(units.items()):
        unit = plan.units_by_reference[reference]
        if unit.pk not in on_plan:
            raise ImportRefused([_("Unit %s was signed off but is not on the learner's plan here.") % reference])
        signed_at = max(parse_datetime(signature["signed_at"]) for signature in record["signatures"])
        rows.append(
            ImportedUnit(
                portfolio_import=imported,
                registration=registration,
                unit=unit,
                signed_off_at=signed_at,
                signatures=record["signatures"],
                criteria=record["criteria"],
            )
        )
    ImportedUnit.objects.bulk_create(rows)


def _store_files(imported, registration, zip_file, chain, manifest, stored: StoredFiles) -> list:
    """Each evidence file the chain recorded, copied into storage; its bytes hashed again as they are copied."""
    paths = {item["seq"]: item["path"] for item in manifest.get("evidence_files", [])}
    files = []
    for entry in chain:
        if entry["kind"] != "evidence_file":
            continue
        content = json.loads(entry["content"])
        file = ImportedEvidenceFile(
            portfolio_import=imported,
            registration=registration,
            chain_seq=entry["seq"],
            evidence_reference=content["evidence"],
            evidence_version=content["version"],
            original_name=content["name"][:255],
            content_type=content.get("content_type", "")[:100],
            size=content["size"],
            sha256=content["sha256"],
        )
        with tempfile.TemporaryFile() as copy, zip_file.open(paths[entry["seq"]]) as source:
            digest = hashlib.sha256()
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
            if digest.hexdigest() != file.sha256:
                raise ImportRefused(
                    [_("Changed file: %(path)s does not match chain entry %(seq)s.")
                     % {"path": paths[entry["seq"]], "seq": entry["seq"]}]
                )  # fmt: skip
            suffix = safe_name(file.original_name).rpartition(".")[2][:10] or "bin"
            stored.save(file.file, f"{uuid.uuid4().hex}.{suffix}", copy, original_name=file.original_name)
        file.save()
        files.append(file)
    return files
