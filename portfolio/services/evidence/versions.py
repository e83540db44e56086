"""Replacing rejected evidence with a new version under the same reference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from ledger.services import record as record_in_ledger
from portfolio.models import Evidence, EvidenceLink
from portfolio.services import AlreadyDone, PortfolioError
from portfolio.services.checks import require_unlocked
from portfolio.uploads import StoredFiles, prepare_all

from ._common import _event, _lock_evidence, _require_editable, _store
from .cleaning import (
    _check_methods_for,
    _clean_date,
    _clean_description,
    _clean_location,
    _clean_methods,
    _clean_simulation_reason,
    _clean_title,
    refuse_simulation_where_workplace_required,
)


def _refuse_second_version(evidence: Evidence) -> None:
    newer = Evidence.objects.filter(supersedes=evidence).first()
    if newer is not None:
        raise AlreadyDone(f"Version {newer.version} of evidence {evidence.reference} already exists.", newer)


def new_version(
    *,
    actor,
    evidence: Evidence,
    title: str | None = None,
    date: dt.date | None = None,
    description: str | None = None,
    methods: Iterable | None = None,
    location: str | None = None,
    files: Sequence = (),
    keep_files: bool = False,
    simulation_reason: str | None = None,
) -> Evidence:
    """Replace rejected evidence with a new draft version under the same reference. The earlier version stays,
    with its judgements, in the history; its links are put forward again, awaiting review."""
    _refuse_second_version(evidence)
    _require_editable(actor, evidence)
    title = _clean_title(evidence.title if title is None else title)
    date = _clean_date(evidence.date if date is None else date)
    previous_methods = list(evidence.methods.all())
    methods = _clean_methods(previous_methods if methods is None else methods)
    _check_methods_for(actor, evidence.registration, methods, already=previous_methods)
    simulation_reason = _clean_simulation_reason(
        methods, evidence.simulation_reason if simulation_reason is None else simulation_reason
    )
    description = _clean_description(evidence.description if description is None else description)
    location = _clean_location(evidence.location if location is None else location)
    prepared = prepare_all(files)
    try:
        with StoredFiles() as saver, transaction.atomic():
            old = _lock_evidence(evidence)
            _refuse_second_version(old)
            _require_editable(actor, old)
            if (
                old.status != Evidence.Status.SUBMITTED
                or not old.links.filter(status=EvidenceLink.Status.REJECTED).exists()
            ):
                raise PortfolioError(_("A new version can be added only when the assessor has rejected the evidence."))
            links = list(old.links.select_related("criterion__unit"))
            require_unlocked(old.registration, {link.criterion.unit_id for link in links})
            if simulation_reason:
                refuse_simulation_where_workplace_required(link.criterion for link in links)
            old.is_current = False
            old.save(update_fields=["is_current"])
            new = Evidence.objects.create(
                registration=old.registration,
                reference=old.reference,
                version=old.version + 1,
                supersedes=old,
                title=title,
                date=date,
                description=description,
                language=old.language,
                location=location,
                author=old.author,
                author_label=old.author_label,
                simulation_reason=simulation_reason,
            )
            new.methods.set(methods)
            for link in EvidenceLink.objects.bulk_create(
                [EvidenceLink(evidence=new, criterion=old_link.criterion) for old_link in links]
            ):
                record_in_ledger("link", link)
            kept = []
            if keep_files:
                for file in old.files.all():
                    file.pk = None
                    file.evidence = new
                    file.save()
                    record_in_ledger("evidence_file", file)
                    kept.append(file.original_name)
            stored = _store(saver, new, prepared, actor)
            _event(
                "evidence.new_version",
                new,
                actor,
                f"Added version {new.version} of evidence {new.reference}",
                replaces_version=old.version,
                methods=[method.code for method in methods],
                simulation_reason=simulation_reason,
                location=location,
                files=[file.original_name for file in stored],
                kept_files=kept,
            )
    finally:
        for item in prepared:
            item.close()
    return new
