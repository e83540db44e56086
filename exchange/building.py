"""The portable portfolio: one ZIP a learner takes with them and anyone can verify offline.

Layout and hashing are documented in docs/portfolio-format.md; exchange/schema/portfolio-1.schema.json describes
manifest.json, chain.json and decisions.json. Every evidence file's bytes are read through
portfolio.integrity.open_verified, so a file whose stored bytes changed is refused, never packed."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from ledger.entries import LABELS
from ledger.hashing import timestamp
from ledger.models import ChainEntry
from ledger.services import verify
from portfolio.integrity import EvidenceMissing, EvidenceTampered, open_verified
from portfolio.models import EvidenceFile, Registration
from qualifications.cache import catalogue as read_catalogue
from tracking.pdf import unit_sheet_pdf
from tracking.sheets import build_sheets

FORMAT = "portfolio-export"
FORMAT_VERSION = 1
VERIFIER = Path(__file__).resolve().parent / "verifier" / "verify.html"
DECISION_KINDS = {"judgement", "decision", "countersignature", "signature", "signature_voided", "eqa_signature",
                  "iqa_sample", "plan_signature", "record_signature", "review_signature", "otj_entry",
                  "otj_verified"}  # fmt: skip


class ExportRefused(Exception):
    """The portfolio cannot be exported as it stands (its chain or a file does not match); the message says why."""


def safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")
    return cleaned[:120] or "file"


def _json(data) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8")


def catalogue_entries(registration: Registration) -> dict:
    """The catalogue entries the registration uses: its qualification and the units on its plan."""
    catalogue = read_catalogue()
    qualification = catalogue.qualifications[registration.qualification_id]
    numbers = {m.unit_id: m.number for m in catalogue.memberships_by_qualification.get(qualification.pk, ())}
    units = []
    for unit in registration.units.order_by("reference"):
        criteria = catalogue.criteria_by_unit.get(unit.pk, ())
        outcomes = []
        for outcome in catalogue.outcomes_by_unit.get(unit.pk, ()):
            outcomes.append(
                {
                    "number": outcome.number,
                    "text": outcome.text,
                    "criteria": [
                        {"id": c.pk, "code": c.code, "label": f"{unit.reference} {c.code}", "text": c.text}
                        for c in criteria
                        if c.learning_outcome_id == outcome.pk
                    ],
                }
            )
        units.append(
            {"reference": unit.reference, "number": numbers.get(unit.pk, ""), "title": unit.title, "outcomes": outcomes}
        )
    return {
        "catalogue_version": catalogue.version,
        "qualification": {"number": qualification.number, "title": qualification.title, "level": qualification.level},
        "pathway": registration.pathway.name if registration.pathway_id else None,
        "units": units,
    }


def chain_entries(registration: Registration) -> list[dict]:
    return [
        {
            "seq": entry.seq,
            "kind": entry.kind,
            "object_ref": entry.object_ref,
            "recorded_at": timestamp(entry.recorded_at),
            "content": entry.content,
            "content_hash": entry.content_hash,
            "previous_hash": entry.previous_hash,
            "entry_hash": entry.entry_hash,
        }
        for entry in ChainEntry.objects.filter(registration_id=registration.pk).order_by("seq")
    ]


def _unique(path: str, used_paths: set[str]) -> str:
    stem, dot, suffix = path.rpartition(".")
    counter, candidate = 1, path
    while candidate in used_paths:
        counter += 1
        candidate = f"{stem}-{counter}.{suffix}" if dot else f"{suffix}-{counter}"
    used_paths.add(candidate)
    return candidate


def _add_earlier(registration: Registration, archive: zipfile.ZipFile, add, used_paths: set[str]) -> list[dict]:
    """A registration imported from another centre carries that centre's chain and evidence files (and those of
    any centre before it) on: each as an `earlier` chain of the manifest, oldest first, so the next centre can
    verify and import the whole history. Each file's bytes are checked against its SHA-256 as it is packed."""
    from .models import ImportedEvidenceFile, PortfolioImport
    from .serving import FileChanged, open_imported

    imported = PortfolioImport.objects.filter(registration_id=registration.pk).first()
    if imported is None:
        return []
    files_by_part: dict[int, list] = {}
    for file in ImportedEvidenceFile.objects.filter(portfolio_import=imported).order_by("part", "chain_seq"):
        files_by_part.setdefault(file.part, []).append(file)
    earlier = []
    for number, part in enumerate(imported.parts(), 1):
        chain_path = f"earlier/{number}/chain.json"
        add(chain_path, _json({"format_version": FORMAT_VERSION, "entries": part["entries"]}))
        evidence_files = []
        for file in files_by_part.get(number - 1, []):
            path = _unique(
                f"earlier/{number}/evidence/{file.evidence_reference}-v{file.evidence_version}/"
                f"{safe_name(file.original_name)}",
                used_paths,
            )
            try:
                with open_imported(file) as verified, archive.open(path, "w") as target:
                    shutil.copyfileobj(verified, target)
            except FileChanged as error:
                raise ExportRefused(
                    f"Imported evidence file {file.original_name} cannot be exported: {error}"
                ) from error
            evidence_files.append({"seq": file.chain_seq, "path": path})
        earlier.append(
            {
                "centre": part["centre"],
                "exported_at": part["exported_at"],
                "chain": {**part["chain"], "path": chain_path},
                "evidence_files": evidence_files,
            }
        )
    return earlier


def build_portfolio_zip(
    registration: Registration, destination, *, actor=None, progress: Callable[[int, int, str], None] | None = None
) -> dict:
    """Write the registration's portable portfolio to `destination` (a path or a binary file); return its manifest."""
    report = progress or (lambda done, total, message: None)
    check = verify(registration)
    if not check.ok:
        raise ExportRefused(f"The portfolio's history does not check out: {check.reason}")
    chain = chain_entries(registration)
    files = {
        file.pk: file
        for file in EvidenceFile.objects.filter(evidence__registration=registration).select_related("evidence")
    }
    file_entries = [entry for entry in chain if entry["kind"] == "evidence_file"]
    sheets = build_sheets(registration)
    total = len(file_entries) + len(sheets) + 2
    listed: list[dict] = []
    evidence_paths: list[dict] = []
    used_paths: set[str] = set()
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(path: str, data: bytes) -> None:
            archive.writestr(path, data)
            listed.append({"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})

        for done, entry in enumerate(file_entries, 1):
            report(done, total, f"Packing evidence file {done} of {len(file_entries)}")
            content = json.loads(entry["content"])
            file = files.get(content["file_id"])
            if file is None:
                raise ExportRefused(f"Evidence file {content['name']} (chain entry {entry['seq']}) is missing.")
            path = f"evidence/{content['evidence']}-v{content['version']}/{safe_name(content['name'])}"
            stem, dot, suffix = path.rpartition(".")
            counter = 1
            while path in used_paths:
                counter += 1
                path = f"{stem}-{counter}.{suffix}" if dot else f"{suffix}-{counter}"
            used_paths.add(path)
            try:
                with open_verified(file, actor=actor, found_by="a portfolio export") as verified:
                    with archive.open(path, "w") as target:
                        shutil.copyfileobj(verified, target)
            except (EvidenceTampered, EvidenceMissing) as error:
                raise ExportRefused(f"Evidence file {content['name']} cannot be exported: {error}") from error
            evidence_paths.append({"seq": entry["seq"], "path": path})
        earlier = _add_earlier(registration, archive, add, used_paths)
        for index, sheet in enumerate(sheets, 1):
            report(len(file_entries) + index, total, f"Printing the tracking sheet of {sheet.unit.reference}")
            add(f"sheets/{safe_name(sheet.unit.reference)}.pdf", unit_sheet_pdf(sheet))
        add("catalogue.json", _json(catalogue_entries(registration)))
        decisions = [
            {
                "seq": entry["seq"],
                "kind": entry["kind"],
                "label": LABELS.get(entry["kind"], entry["kind"]),
                "object_ref": entry["object_ref"],
                "content": json.loads(entry["content"]),
                "content_hash": entry["content_hash"],
            }
            for entry in chain
            if entry["kind"] in DECISION_KINDS
        ]
        add("decisions.json", _json({"format_version": FORMAT_VERSION, "decisions": decisions}))
        add("chain.json", _json({"format_version": FORMAT_VERSION, "entries": chain}))
        report(total - 1, total, "Adding the verifier")
        archive.writestr("verify.html", VERIFIER.read_bytes())
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": timestamp(timezone.now()),
            "learner": {"name": registration.learner.full_name or str(registration.learner), "uln": registration.uln},
            "centre": {"name": registration.centre.name, "number": registration.centre.centre_number},
            "qualification": {
                "number": registration.qualification.number,
                "title": registration.qualification.title,
            },
            "catalogue_version": read_catalogue().version,
            "registration": {
                "start_date": registration.start_date.isoformat(),
                "planned_end_date": registration.planned_end_date.isoformat(),
                "status": registration.status,
            },
            "chain": {"length": check.length, "head": check.head},
            "evidence_files": evidence_paths,
            "files": listed,
        }
        if earlier:
            manifest["earlier"] = earlier
        archive.writestr("manifest.json", _json(manifest))
    report(total, total, "Ready")
    return manifest
