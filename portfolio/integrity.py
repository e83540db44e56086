"""Evidence integrity: the one place that checks stored evidence bytes against the SHA-256 taken at upload, and
reports a file whose bytes changed or went missing to its centre's admins.

Every path that reads evidence bytes to pass them on (the EQA pack, exports) reads them through
`open_verified()`, which copies the file to a local temporary file while hashing it and hands that copy over only
when it matches: bad bytes are never passed on. Downloads do not hash (a video is read in many range requests):
files are verified at upload, when packed, and periodically by `verify_all_evidence()` (`manage.py
verify_evidence`, and the periodic task). A download refuses a file whose last check failed.

A failure is recorded on the file row (`integrity`, `verified_at`, `failing_since`), as an audit event and in one
email to the centre's admins, once per file until a later check finds it whole again (restored from a backup, say):
the conditional UPDATE that marks the row failing decides who reports, so two workers never report it twice. The
centre admin's home page lists the failing files (portfolio.dashboard).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from centres.models import Membership, Role, record_event
from portfolio.models import EvidenceFile
from portfolio.services import PortfolioError

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
# Copies of verified files smaller than this stay in memory; larger ones spill to a temporary file on disk.
SPOOL_IN_MEMORY = 8 * 1024 * 1024

Integrity = EvidenceFile.Integrity


class EvidenceIntegrityError(PortfolioError):
    """A stored evidence file is not what was uploaded; it was not used, and the centre's admins were told."""

    result = ""

    def __init__(self, evidence_file: EvidenceFile, why: str):
        evidence = evidence_file.evidence
        super().__init__(
            f"“{evidence_file.original_name}” (evidence {evidence.reference}) {why}. It was not used; the centre's "
            "admins have been told."
        )
        self.evidence_file = evidence_file


class EvidenceTampered(EvidenceIntegrityError):
    result = Integrity.TAMPERED

    def __init__(self, evidence_file: EvidenceFile):
        super().__init__(evidence_file, "failed its integrity check: its stored bytes no longer match those uploaded")


class EvidenceMissing(EvidenceIntegrityError):
    result = Integrity.MISSING

    def __init__(self, evidence_file: EvidenceFile):
        super().__init__(evidence_file, "is missing from the file storage")


@dataclass
class Check:
    """What one check of a file found: `result` (an Integrity value) and, for a mismatch, the hashes."""

    result: str
    part: str = ""  # "file" or "thumbnail": the part that failed
    expected: str = ""
    actual: str = ""

    @property
    def ok(self) -> bool:
        return self.result == Integrity.OK


def _digest_of(field_file, copy_to=None) -> str | None:
    """The SHA-256 of a stored file (None when the storage has no such file), reading it once in chunks and writing
    each chunk to `copy_to` too when given. The one function that reads evidence bytes to hash them."""
    digest = hashlib.sha256()
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
                if copy_to is not None:
                    copy_to.write(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def _check(evidence_file: EvidenceFile, copy_to=None) -> Check:
    """Hash the file (copying it to `copy_to`) and its thumbnail against the hashes taken at upload."""
    parts = [("file", evidence_file.file, evidence_file.sha256, copy_to)]
    if evidence_file.thumbnail:
        parts.append(("thumbnail", evidence_file.thumbnail, evidence_file.thumbnail_sha256, None))
    for part, field_file, expected, target in parts:
        if not field_file or not field_file.name:
            return Check(Integrity.MISSING, part, expected)
        actual = _digest_of(field_file, target)
        if actual is None:
            return Check(Integrity.MISSING, part, expected)
        if actual != expected:
            return Check(Integrity.TAMPERED, part, expected, actual)
    return Check(Integrity.OK)


# --- recording and reporting -------------------------------------------------------------------------------


def record_check(evidence_file: EvidenceFile, check: Check, *, actor=None, found_by: str) -> bool:
    """Store what a check found on the row and in the history. Returns True when this check is the first to find
    the file failing (the caller then emails the centre's admins: `email_centre_admins`)."""
    now = timezone.now()
    rows = EvidenceFile.objects.filter(pk=evidence_file.pk)
    if check.ok:
        # Only a file known to be failing can be restored: the common case is one UPDATE.
        was_failing = evidence_file.is_failing and rows.failing().update(
            integrity=Integrity.OK, verified_at=now, failing_since=None
        )
        if not was_failing:
            rows.update(integrity=Integrity.OK, verified_at=now, failing_since=None)
        else:
            record_event(
                action="evidence_file.integrity_restored",
                actor=actor,
                summary=f"“{evidence_file.original_name}” passed its integrity check again ({found_by})",
                found_by=found_by,
                evidence_reference=evidence_file.evidence.reference,
                **_where(evidence_file),
            )
        evidence_file.integrity, evidence_file.verified_at, evidence_file.failing_since = Integrity.OK, now, None
        return False
    newly = rows.exclude(integrity__in=[Integrity.TAMPERED, Integrity.MISSING]).update(
        integrity=check.result, verified_at=now, failing_since=now
    )
    if not newly:
        rows.update(integrity=check.result, verified_at=now)
    evidence_file.integrity, evidence_file.verified_at = check.result, now
    if newly:
        evidence_file.failing_since = now
        what = "is missing from storage" if check.result == Integrity.MISSING else "failed its integrity check"
        record_event(
            action="evidence_file.integrity_failed",
            actor=actor,
            summary=f"“{evidence_file.original_name}” (evidence {evidence_file.evidence.reference}) {what}",
            found_by=found_by,
            result=check.result,
            part=check.part,
            stored_name=(evidence_file.thumbnail if check.part == "thumbnail" else evidence_file.file).name,
            expected=check.expected,
            actual=check.actual,
            evidence_reference=evidence_file.evidence.reference,
            **_where(evidence_file),
        )
        logger.error("Evidence file %s %s (%s, found by %s)", evidence_file.pk, check.result, check.part, found_by)
    return bool(newly)


def _where(evidence_file: EvidenceFile) -> dict:
    registration = evidence_file.evidence.registration
    return {"centre": registration.centre, "registration_id": registration.pk, "obj": evidence_file}


def email_centre_admins(centre, files: list[EvidenceFile]) -> None:
    """One email to the centre's active admins about newly failing files. A mail server that fails is logged: the
    report stays on the admin's home page and in the history."""
    recipients = sorted(
        {
            email
            for email in Membership.objects.active()
            .filter(centre=centre, role=Role.CENTRE_ADMIN)
            .values_list("user__email", flat=True)
            if email
        }
    )
    if not recipients or not files:
        return
    context = {"centre": centre, "files": files, "site_url": settings.SITE_URL.rstrip("/")}
    subject = render_to_string("portfolio/emails/integrity_subject.txt", context).strip()
    body = render_to_string("portfolio/emails/integrity_body.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # noqa: BLE001 - the report is kept on the home page and in the history
        logger.exception("Could not email the admins of centre %s about failing evidence files", centre.pk)


def _checked(evidence_file: EvidenceFile, check: Check, *, actor, found_by: str) -> None:
    if record_check(evidence_file, check, actor=actor, found_by=found_by):
        email_centre_admins(evidence_file.evidence.registration.centre, [evidence_file])


def _raise_for(evidence_file: EvidenceFile, check: Check) -> None:
    if check.result == Integrity.MISSING:
        raise EvidenceMissing(evidence_file)
    if check.result == Integrity.TAMPERED:
        raise EvidenceTampered(evidence_file)


# --- the checks every reader uses ---------------------------------------------------------------------------


def verify_file(evidence_file: EvidenceFile, *, actor=None, found_by: str = "a check") -> None:
    """Hash a stored file and its thumbnail; record the result; raise EvidenceTampered or EvidenceMissing (after
    reporting it) when they are not what was uploaded."""
    check = _check(evidence_file)
    _checked(evidence_file, check, actor=actor, found_by=found_by)
    _raise_for(evidence_file, check)


def verified_copy(evidence_file: EvidenceFile, *, actor=None, found_by: str = "a check"):
    """A local copy of the stored file, read once and hashed on the way, returned (open, at its start) only when it
    matches the hash taken at upload, so the bytes passed on are the bytes checked. The caller closes it (a
    FileResponse does once it is sent). Raises EvidenceTampered or EvidenceMissing, after reporting it, otherwise."""
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, prefix="verified-")
    try:
        check = _check(evidence_file, copy_to=copy)
        _checked(evidence_file, check, actor=actor, found_by=found_by)
        _raise_for(evidence_file, check)
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return copy


@contextmanager
def open_verified(evidence_file: EvidenceFile, *, actor=None, found_by: str = "a check") -> Iterator:
    """verified_copy() as a context manager: the copy is closed when the block ends."""
    with verified_copy(evidence_file, actor=actor, found_by=found_by) as copy:
        yield copy


def report_missing(evidence_file: EvidenceFile, *, actor=None, found_by: str) -> None:
    """A reader found the file gone without hashing it (a download asking storage for its size): record and report
    it as a check would."""
    _checked(evidence_file, Check(Integrity.MISSING, "file", evidence_file.sha256), actor=actor, found_by=found_by)


# --- the periodic check -------------------------------------------------------------------------------------


@dataclass
class VerifySummary:
    checked: int = 0
    ok: int = 0
    tampered: list[EvidenceFile] = field(default_factory=list)
    missing: list[EvidenceFile] = field(default_factory=list)
    newly_reported: int = 0

    @property
    def bad(self) -> int:
        return len(self.tampered) + len(self.missing)

    def __str__(self) -> str:
        return (
            f"{self.checked} evidence file(s) checked: {self.ok} intact, {len(self.tampered)} changed, "
            f"{len(self.missing)} missing ({self.newly_reported} newly reported to their centres)."
        )


def files_to_verify(*, centre=None, not_verified_days: int | None = None):
    """The files a run checks: every file (of one centre), or only those not verified in the last N days and those
    failing (so a file restored from a backup is cleared at the next run)."""
    files = EvidenceFile.objects.select_related("evidence__registration__centre").order_by("pk")
    if centre is not None:
        files = files.filter(evidence__registration__centre=centre)
    if not_verified_days is not None:
        since = timezone.now() - dt.timedelta(days=not_verified_days)
        files = files.filter(
            Q(verified_at__isnull=True)
            | Q(verified_at__lt=since)
            | Q(integrity__in=[Integrity.TAMPERED, Integrity.MISSING])
        )
    return files


def verify_all_evidence(*, centre=None, not_verified_days: int | None = None, progress=None) -> VerifySummary:
    """Re-hash every stored evidence file (and thumbnail) against its SHA-256, record each result, report each newly
    failing file to its centre's admins (one email per centre per run) and return a summary. The periodic task calls
    it with no arguments (every file) or with `not_verified_days` to spread the work over several runs; `centre`
    limits it to one centre. `progress(evidence_file, check)` is called after each file (the command prints)."""
    summary = VerifySummary()
    newly: dict[int, list[EvidenceFile]] = defaultdict(list)
    centres = {}
    for evidence_file in files_to_verify(centre=centre, not_verified_days=not_verified_days).iterator(chunk_size=200):
        check = _check(evidence_file)
        summary.checked += 1
        if check.ok:
            summary.ok += 1
        elif check.result == Integrity.MISSING:
            summary.missing.append(evidence_file)
        else:
            summary.tampered.append(evidence_file)
        if record_check(evidence_file, check, found_by="the periodic check"):
            file_centre = evidence_file.evidence.registration.centre
            centres[file_centre.pk] = file_centre
            newly[file_centre.pk].append(evidence_file)
            summary.newly_reported += 1
        if progress is not None:
            progress(evidence_file, check)
    for centre_id, files in newly.items():
        email_centre_admins(centres[centre_id], files)
    return summary
