"""Importing a portable portfolio exported by another centre (issue 17 part 4: transfer).

The ZIP is checked first with exchange.checking (the one verifier: the same checks as `manage.py verify_portfolio`
and verify.html), then its qualification and units are looked up in this centre's catalogue (exchange.reading).
Only then is anything written, in one transaction: the learner's registration here (portfolio's register_learner,
which invites a learner with no account), the units signed off at the first centre (or at a centre before it, when
the ZIP carries the earlier centres' chains) as frozen carried-over records with their original signatures and
hashes, the evidence files (bytes checked against the chain's SHA-256 as they are stored), the imported chains kept
as they were, and an "imported" entry in the new registration's chain holding their heads. A refusal leaves
nothing: no rows (the transaction) and no files (portfolio.uploads.storing.StoredFiles removes them).

It runs in the background (exchange.import_jobs); `progress(done, total, message)` reports how far it is."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import uuid
import zipfile
from collections.abc import Callable

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Centre, Role, record_event
from core.errors import NotAllowed
from ledger.services import append
from portfolio.models import Registration
from portfolio.services.registration import register_learner
from portfolio.services.registration.checks import RegistrationInput
from portfolio.uploads.storing import StoredFiles

from .building import safe_name
from .checking import CHUNK, check_zip
from .models import ImportedEvidenceFile, ImportedUnit, PortfolioImport
from .reading import ImportRefused, Part, Plan, catalogue_plan, parts_of, read_json, signed_off_units, units_of

MAX_UPLOAD_BYTES = 2 * 1024**3

__all__ = [
    "MAX_UPLOAD_BYTES",
    "ImportNotAllowed",
    "ImportRefused",
    "import_portfolio",
    "may_import",
    "signed_off_units",
]

Progress = Callable[[int, int, str], None]


class ImportNotAllowed(ImportRefused, NotAllowed):
    pass


def may_import(user, centre) -> bool:
    return user.is_authenticated and user.is_active and has_role(user, Role.CENTRE_ADMIN, centre)


def _sha256_of(archive) -> str:
    archive.seek(0)
    digest = hashlib.sha256()
    while chunk := archive.read(CHUNK):
        digest.update(chunk)
    archive.seek(0)
    return digest.hexdigest()


def import_portfolio(
    *,
    actor,
    centre: Centre,
    archive,
    learner: RegistrationInput,
    job=None,
    progress: Progress | None = None,
) -> PortfolioImport:
    """Check the ZIP (`archive`, a seekable binary file) and, if it verifies, register the learner here with the
    units signed off at the first centre carried over. `learner` gives the learner's email and the details a
    registration here needs (dates, assessor, IQA); its qualification, pathway and units come from the ZIP.
    `job`, the background job doing it, is recorded on the import."""
    report = progress or (lambda done, total, message: None)
    if not may_import(actor, centre):
        raise ImportNotAllowed([_("Only an admin of this centre imports portfolios into it.")])
    archive.seek(0, 2)
    if archive.tell() > MAX_UPLOAD_BYTES:
        raise ImportRefused([_("The file is larger than %d GB.") % (MAX_UPLOAD_BYTES // 1024**3)])
    archive.seek(0)
    report(0, 3, _("Checking every file, decision and the hash chain"))
    result = check_zip(archive)
    if not result.ok:
        raise ImportRefused([_("The portfolio does not verify, so nothing was imported."), *result.problems])
    archive.seek(0)
    archive_sha256 = _sha256_of(archive)
    try:
        return _import_verified(actor, centre, archive, learner, result.manifest, archive_sha256, job, report)
    except (KeyError, TypeError, ValueError, AttributeError, zipfile.BadZipFile) as error:
        # The ZIP verified (its hashes agree with each other) but holds something this import cannot read: refused,
        # and the transaction and StoredFiles have removed whatever was written.
        raise ImportRefused([_("The portfolio could not be read: %s. Nothing was imported.") % error]) from error


def _import_verified(actor, centre, archive, learner, manifest, archive_sha256, job, report) -> PortfolioImport:
    with zipfile.ZipFile(archive) as zip_file:
        plan = catalogue_plan(manifest, read_json(zip_file, "catalogue.json"))
        parts = parts_of(zip_file, manifest)
        units = units_of(parts)
        unknown = [reference for reference in units if reference not in plan.units_by_reference]
        if unknown:
            raise ImportRefused([_("Unknown unit: %s is not in this centre's catalogue.") % ", ".join(unknown)])
        own = parts[-1]
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
            imported = PortfolioImport.objects.create(
                registration=registration,
                centre=centre,
                imported_by=actor,
                source_centre_name=own.centre.get("name", ""),
                source_centre_number=own.centre.get("number") or "",
                exported_at=own.exported_at,
                archive_sha256=archive_sha256,
                chain_length=own.length,
                chain_head=own.head,
                chain=own.entries,
                manifest=manifest,
                earlier=[part.stored() for part in parts[:-1]],
                job=job,
            )
            _store_units(imported, registration, units, plan)
            files = _store_files(imported, registration, zip_file, parts, stored, report)
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
                    "earlier": [
                        {"centre": part.centre.get("name", ""), "chain_length": part.length, "chain_head": part.head}
                        for part in parts[:-1]
                    ],
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


def _store_units(imported, registration: Registration, units: dict, plan: Plan) -> None:
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
                centre_name=record["centre"],
                part=record["part"],
                signed_off_at=signed_at,
                signatures=record["signatures"],
                criteria=record["criteria"],
            )
        )
    ImportedUnit.objects.bulk_create(rows)


def _store_files(imported, registration, zip_file, parts: list[Part], stored: StoredFiles, report) -> list:
    """Each evidence file every chain recorded, copied into storage; its bytes hashed again as they are copied."""
    recorded = [
        (index, part, entry)
        for index, part in enumerate(parts)
        for entry in part.entries
        if entry["kind"] == "evidence_file"
    ]
    total = len(recorded) + 3
    files = []
    for done, (index, part, entry) in enumerate(recorded, 1):
        report(done, total, _("Storing evidence file %(done)d of %(total)d") % {"done": done, "total": len(recorded)})
        content = _content(entry)
        path = part.evidence_paths[entry["seq"]]
        file = ImportedEvidenceFile(
            portfolio_import=imported,
            registration=registration,
            part=index,
            chain_seq=entry["seq"],
            evidence_reference=content["evidence"],
            evidence_version=content["version"],
            original_name=content["name"][:255],
            content_type=content.get("content_type", "")[:100],
            size=content["size"],
            sha256=content["sha256"],
        )
        with tempfile.TemporaryFile() as copy, zip_file.open(path) as source:
            digest = hashlib.sha256()
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
            if digest.hexdigest() != file.sha256:
                problem = _("Changed file: %(path)s does not match chain entry %(seq)s.")
                raise ImportRefused([problem % {"path": path, "seq": entry["seq"]}])
            suffix = safe_name(file.original_name).rpartition(".")[2][:10] or "bin"
            stored.save(file.file, f"{uuid.uuid4().hex}.{suffix}", copy, original_name=file.original_name)
        file.save()
        files.append(file)
    report(total - 1, total, _("Recording the import"))
    return files


def _content(entry: dict) -> dict:
    return json.loads(entry["content"])
