"""Private helpers shared by the evidence services: the event, storing files, locking and the edit check."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import record_event
from ledger.services import record as record_in_ledger
from portfolio.models import Evidence, EvidenceFile
from portfolio.previews import queue_preview
from portfolio.services import PortfolioError
from portfolio.services.checks import can_edit_evidence, require, require_active
from portfolio.uploads import TYPES, PreparedFile, StoredFiles, generated_name

THUMBNAIL_TYPE = TYPES["jpg"]


def _event(action: str, evidence: Evidence, actor, summary: str, **data) -> None:
    record_event(
        action=action,
        obj=evidence,
        actor=actor,
        centre=evidence.registration.centre,
        registration_id=evidence.registration_id,
        summary=summary,
        evidence_reference=evidence.reference,
        evidence_version=evidence.version,
        **data,
    )


def _store(saver: StoredFiles, evidence: Evidence, prepared: Sequence[PreparedFile], actor) -> list[EvidenceFile]:
    """Write each accepted file and its row. The hash was taken from the bytes written and the stored size checked,
    so the file counts as verified now (portfolio.integrity checks it again later, and when packed). A PDF's page
    images are drawn once the change commits (portfolio.previews)."""
    stored = []
    for item in prepared:
        now = timezone.now()
        record = EvidenceFile(
            evidence=evidence,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            thumbnail_sha256=item.thumbnail_sha256,
            uploaded_by=actor,
            uploaded_at=now,
            verified_at=now,
            integrity=EvidenceFile.Integrity.OK,
        )
        saver.save(record.file, generated_name(item.file_type), item.content, original_name=item.original_name)
        if item.thumbnail is not None:
            saver.save(
                record.thumbnail,
                generated_name(THUMBNAIL_TYPE, "-thumbnail"),
                io.BytesIO(item.thumbnail),
                original_name=item.original_name,
            )
        record.save()
        record_in_ledger("evidence_file", record)
        queue_preview(record)
        stored.append(record)
    return stored


def _lock_evidence(evidence: Evidence) -> Evidence:
    return Evidence.objects.select_for_update(of=("self",)).select_related("registration__centre").get(pk=evidence.pk)


def _require_editable(actor, evidence: Evidence) -> None:
    require_active(evidence.registration)
    require(
        can_edit_evidence(actor, evidence),
        "Only the learner who made this evidence, or their assessor for the records they made, may change it.",
    )
    if evidence.status == Evidence.Status.WITHDRAWN:
        raise PortfolioError(_("This evidence has been withdrawn; it can no longer change."))
    if not evidence.is_current:
        raise PortfolioError(
            _("Version %(version)s has been replaced by a newer version; change that instead.")
            % {"version": evidence.version}
        )
