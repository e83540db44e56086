"""Adding files to draft evidence."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from portfolio.models import Evidence, EvidenceFile
from portfolio.services import PortfolioError
from portfolio.services.checks import evidence_unit_ids, require_unlocked
from portfolio.uploads import StoredFiles, prepare_all

from ._common import _event, _lock_evidence, _require_editable, _store

FILES_ONLY_ON_DRAFTS = "Files can be added only before the evidence is submitted; add a new version instead."


def add_files(*, actor, evidence: Evidence, files: Sequence) -> list[EvidenceFile]:
    """Add files to a draft (submitted evidence changes only through a new version)."""
    _require_editable(actor, evidence)
    if evidence.status != Evidence.Status.DRAFT:
        raise PortfolioError(FILES_ONLY_ON_DRAFTS)
    if not files:
        raise PortfolioError(_("Choose at least one file."))
    prepared = prepare_all(files)
    try:
        with StoredFiles() as saver, transaction.atomic():
            locked = _lock_evidence(evidence)
            _require_editable(actor, locked)
            if locked.status != Evidence.Status.DRAFT:
                raise PortfolioError(FILES_ONLY_ON_DRAFTS)
            require_unlocked(locked.registration, evidence_unit_ids(locked))
            stored = _store(saver, locked, prepared, actor)
            _event(
                "evidence.files_added",
                locked,
                actor,
                f"Added {len(stored)} file(s) to evidence {locked.reference}",
                files=[
                    {"name": file.original_name, "type": file.content_type, "sha256": file.sha256} for file in stored
                ],
            )
    finally:
        for item in prepared:
            item.close()
    return stored
