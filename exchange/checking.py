"""Checking a portable portfolio ZIP, as `manage.py verify_portfolio` does (verify.html does the same in the browser).

Each problem names what is wrong: the file, the chain entry or the decision. Refused outright, before anything is
read: paths that would leave the folder (zip slip) and archives that would unpack to too much (zip bomb)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ledger.hashing import canonical, entry_hash, sha256_text
from ledger.models import GENESIS

from .building import DECISION_KINDS

MAX_TOTAL_BYTES = 4 * 1024**3  # what the whole archive may unpack to
MAX_RATIO = 200  # how much one entry may expand (beyond a first megabyte)
RATIO_FREE_BYTES = 1024**2
CHUNK = 1024 * 1024
OWN_FILES = {"manifest.json", "verify.html"}


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    refused: bool = False  # unsafe to unpack at all: nothing was read
    manifest: dict = field(default_factory=dict)
    entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str) -> None:
        self.problems.append(problem)


def unsafe_path(name: str) -> bool:
    if not name or "\\" in name or name.startswith("/") or "\x00" in name:
        return True
    path = PurePosixPath(name)
    return ".." in path.parts or (len(path.parts[0]) == 2 and path.parts[0][1] == ":")


def _refusals(infos: list[zipfile.ZipInfo]) -> list[str]:
    problems = []
    total = 0
    for info in infos:
        if unsafe_path(info.filename):
            problems.append(f"Unsafe path in the archive (it would be written outside its folder): {info.filename}")
        total += info.file_size
        if info.file_size > RATIO_FREE_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            problems.append(f"Zip bomb: {info.filename} would expand more than {MAX_RATIO} times.")
    if total > MAX_TOTAL_BYTES:
        problems.append(f"Zip bomb: the archive would unpack to more than {MAX_TOTAL_BYTES // 1024**3} GB.")
    return problems


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with archive.open(info) as source:
        data = source.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ValueError(f"{info.filename} is larger than its header says")
    return data


def _sha256(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    digest, read = hashlib.sha256(), 0
    with archive.open(info) as source:
        while chunk := source.read(CHUNK):
            read += len(chunk)
            if read > info.file_size:
                raise ValueError(f"{info.filename} is larger than its header says")
            digest.update(chunk)
    return digest.hexdigest()


def check_zip(path) -> CheckReport:
    report = CheckReport()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        report.add(f"Not a readable ZIP file: {error}")
        report.refused = True
        return report
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        refusals = _refusals(infos)
        if refusals:
            report.problems.extend(refusals)
            report.refused = True
            return report
        by_name: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.filename in by_name:
                report.add(f"Added file: {info.filename} appears twice in the archive.")
            by_name[info.filename] = info
        try:
            _check_contents(archive, by_name, report)
        except (ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
            report.add(f"The archive could not be read as a portfolio: {error}")
    return report


def _load(archive, by_name, name: str, report: CheckReport):
    info = by_name.get(name)
    if info is None:
        report.add(f"Missing file: {name}.")
        return None
    try:
        return json.loads(_read(archive, info))
    except ValueError:
        report.add(f"Changed file: {name} is not valid JSON.")
        return None


def _check_contents(archive, by_name, report: CheckReport) -> None:
    manifest = _load(archive, by_name, "manifest.json", report)
    if not isinstance(manifest, dict):
        return
    report.manifest = manifest
    expected: set[str] = set(OWN_FILES)
    # The files the manifest lists (catalogue, decisions, chain, sheets), each with its SHA-256.
    for listed in manifest.get("files", []):
        name = listed["path"]
        expected.add(name)
        info = by_name.get(name)
        if info is None:
            report.add(f"Missing file: {name}.")
        elif _sha256(archive, info) != listed["sha256"]:
            report.add(f"Changed file: {name} does not match its SHA-256 in the manifest.")
    chain = _load(archive, by_name, "chain.json", report)
    entries = chain.get("entries", []) if isinstance(chain, dict) else []
    report.entries = len(entries)
    by_seq = _check_chain(entries, manifest.get("chain", {}), report)
    # Every evidence file the chain recorded, at the path the manifest gives it, with the SHA-256 the chain holds.
    _check_evidence(archive, by_name, by_seq, manifest.get("evidence_files", []), report, expected)
    _check_earlier(archive, by_name, manifest.get("earlier", []), entries, report, expected)
    decisions = _load(archive, by_name, "decisions.json", report)
    _check_decisions(decisions.get("decisions", []) if isinstance(decisions, dict) else [], by_seq, report)
    for name in sorted(set(by_name) - expected):
        report.add(f"Added file: {name} is not part of the exported portfolio.")


def _check_evidence(
    archive, by_name, by_seq: dict[int, dict], listed: list, report: CheckReport, expected: set
) -> None:
    paths = {item["seq"]: item["path"] for item in listed}
    for seq, entry in by_seq.items():
        if entry["kind"] != "evidence_file":
            continue
        content = json.loads(entry["content"])
        path = paths.get(seq)
        if path is None:
            report.add(f"Missing file: evidence file {content.get('name')} (chain entry {seq}) is not in the export.")
            continue
        expected.add(path)
        info = by_name.get(path)
        if info is None:
            report.add(f"Missing file: {path} (chain entry {seq}).")
        elif _sha256(archive, info) != content.get("sha256"):
            report.add(f"Changed file: {path} does not match the SHA-256 recorded in chain entry {seq}.")


def _check_earlier(archive, by_name, earlier: list, entries: list, report: CheckReport, expected: set) -> None:
    """The chains of the centres before the sending one (a portfolio imported there and exported again), oldest
    first: each checked like the main chain, its head recorded by an "imported" entry of the chain after it, and its
    evidence files at their paths with the SHA-256 it holds."""
    loaded = []
    for item in earlier:
        chain = _load(archive, by_name, item["chain"]["path"], report)
        loaded.append(chain.get("entries", []) if isinstance(chain, dict) else [])
    for number, (item, chain_entries) in enumerate(zip(earlier, loaded, strict=True), 1):
        centre = (item.get("centre") or {}).get("name", "")
        label = f"Earlier chain {number} ({centre}), entry"
        by_seq = _check_chain(chain_entries, item["chain"], report, label=label)
        following = loaded[number] if number < len(loaded) else entries
        heads = {
            json.loads(entry["content"]).get("chain_head") for entry in following if entry.get("kind") == "imported"
        }
        if item["chain"].get("head") not in heads:
            report.add(f"Earlier chain {number} ({centre}): its head is not recorded by the import that followed it.")
        _check_evidence(archive, by_name, by_seq, item.get("evidence_files", []), report, expected)


def _check_chain(entries: list, recorded: dict, report: CheckReport, *, label: str = "Chain entry") -> dict[int, dict]:
    by_seq: dict[int, dict] = {}
    previous = GENESIS
    broken = False
    for position, entry in enumerate(entries, 1):
        seq = entry.get("seq")
        problem = ""
        if seq != position:
            problem = f"{label} {position}: removed or out of order (found entry {seq} in its place)."
        elif entry.get("previous_hash") != previous:
            problem = f"{label} {seq}: its previous hash does not match entry {position - 1}."
        elif sha256_text(entry.get("content", "")) != entry.get("content_hash"):
            problem = f"{label} {seq}: its content was changed (content hash does not match)."
        elif entry_hash(
            seq=seq,
            kind=entry["kind"],
            object_ref=entry["object_ref"],
            recorded_at=entry["recorded_at"],
            content_hash=entry["content_hash"],
            previous_hash=entry["previous_hash"],
        ) != entry.get("entry_hash"):
            problem = f"{label} {seq}: its entry hash does not match what it records."
        if problem and not broken:
            report.add(problem)
            broken = True  # the first entry that does not match is the one named
        if isinstance(seq, int):
            by_seq.setdefault(seq, entry)
        previous = entry.get("entry_hash")
    if not broken and (recorded.get("length") != len(entries) or recorded.get("head") != previous):
        report.add(
            f"{label} {len(entries) + 1}: removed (the manifest records {recorded.get('length')} entries "
            f"ending in {str(recorded.get('head'))[:12]}…)."
        )
    return by_seq


def _check_decisions(decisions: list, by_seq: dict[int, dict], report: CheckReport) -> None:
    seen = set()
    for decision in decisions:
        seq = decision.get("seq")
        seen.add(seq)
        entry = by_seq.get(seq)
        label = f"{decision.get('label', decision.get('kind'))} {decision.get('object_ref')} (chain entry {seq})"
        if entry is None:
            report.add(f"Changed decision: {label} is not in the chain.")
        elif sha256_text(canonical(decision.get("content"))) != entry["content_hash"]:
            report.add(f"Changed decision: {label} does not match its hash in the chain.")
    for seq, entry in by_seq.items():
        if entry["kind"] in DECISION_KINDS and seq not in seen:
            report.add(f"Missing decision: {entry['object_ref']} (chain entry {seq}) is not in decisions.json.")
