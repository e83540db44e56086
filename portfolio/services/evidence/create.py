"""Adding evidence: the registration's next reference (never reused), its files, and no duplicate from a
form posted twice."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction

from portfolio.models import Evidence, Registration
from portfolio.services import AlreadyDone
from portfolio.services.checks import can_add_evidence, require, require_active
from portfolio.uploads import StoredFiles, prepare_all

from ._common import _event, _store
from .cleaning import (
    _check_methods_for,
    _clean_date,
    _clean_description,
    _clean_location,
    _clean_methods,
    _clean_simulation_reason,
    _clean_title,
)


def create_evidence(
    *,
    actor,
    registration: Registration,
    title: str,
    date: dt.date,
    methods: Iterable,
    description: str = "",
    files: Sequence = (),
    language: str = "English",
    location: str = "",
    submission_token: str = "",
    simulation_reason: str = "",
    saver: StoredFiles | None = None,
) -> Evidence:
    """Add a draft piece of evidence with the registration's next reference (never reused) and its files.

    A caller that makes the evidence part of a larger change passes its own `saver` (and its own transaction), so
    that the files written here are removed too if a later step of that change fails."""
    require_active(registration)
    require(can_add_evidence(actor, registration), "Only the learner or their assessor may add evidence.")
    title, date, methods = _clean_title(title), _clean_date(date), _clean_methods(methods)
    _check_methods_for(actor, registration, methods)
    simulation_reason = _clean_simulation_reason(methods, simulation_reason)
    description = _clean_description(description)
    location = _clean_location(location)
    submission_token = (submission_token or "")[:64]
    if submission_token:
        _refuse_repeat(registration, submission_token)
    prepared = prepare_all(files)
    try:
        with contextlib.nullcontext(saver) if saver is not None else StoredFiles() as saver, transaction.atomic():
            locked = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
            if submission_token:
                _refuse_repeat(locked, submission_token)
            reference = locked.next_evidence_reference
            Registration.objects.filter(pk=locked.pk).update(next_evidence_reference=reference + 1)
            registration.next_evidence_reference = reference + 1
            evidence = Evidence.objects.create(
                registration=locked,
                reference=reference,
                title=title,
                date=date,
                description=description,
                language=(language or "English").strip()[:50],
                location=location,
                author=actor,
                submission_token=submission_token,
                simulation_reason=simulation_reason,
            )
            evidence.methods.set(methods)
            stored = _store(saver, evidence, prepared, actor)
            _event(
                "evidence.created",
                evidence,
                actor,
                f"Added evidence {reference}: {title}",
                title=title,
                date=date.isoformat(),
                methods=[method.code for method in methods],
                simulation_reason=simulation_reason,
                location=location,
                files=[file.original_name for file in stored],
            )
    except IntegrityError:
        # Two posts of the same form raced: the other one saved the evidence.
        if submission_token:
            _refuse_repeat(registration, submission_token)
        raise
    finally:
        for item in prepared:
            item.close()
    return evidence


def _refuse_repeat(registration: Registration, token: str) -> None:
    existing = Evidence.objects.filter(registration=registration, submission_token=token).first()
    if existing is not None:
        raise AlreadyDone(f"This evidence was already saved as reference {existing.reference}.", existing)
