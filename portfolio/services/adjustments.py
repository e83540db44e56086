"""Reasonable adjustments and special considerations: the request (what, why, for which units or assessments), the
decision of a centre admin (the person the centre authorises: approved, or refused with the reason) and what was
adjusted. Every request and decision is an event in the registration's history; nothing is deleted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Role, record_event
from portfolio.models import Adjustment, AdjustmentFile, Registration, RegistrationUnit
from portfolio.uploads import PreparedFile, StoredFiles, generated_name, prepare_all
from qualifications.models import Unit

from . import AlreadyDone, NotAllowed, PortfolioError
from .checks import require_active

TEXT_MAX = 5000
ASSESSMENTS_MAX = 300


def may_request_adjustment(user, registration: Registration) -> bool:
    """The centre admin, or the learner's assessor, records a request (often made by the learner in person)."""
    return has_role(user, Role.CENTRE_ADMIN, registration.centre_id) or (
        registration.assessor_id == user.pk and has_role(user, Role.ASSESSOR, registration.centre_id)
    )


def may_decide_adjustment(user, registration: Registration) -> bool:
    """The centre authorises its centre admins to decide."""
    return has_role(user, Role.CENTRE_ADMIN, registration.centre_id)


def _text(value: str, what: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PortfolioError(what)
    if len(value) > limit:
        raise PortfolioError(_("Keep each answer to %(limit)s characters.") % {"limit": f"{limit:,}"})
    return value


def _units_on_plan(registration: Registration, units: Iterable) -> list[Unit]:
    wanted = {unit.pk if isinstance(unit, Unit) else int(unit) for unit in units}
    on_plan = {
        entry.unit_id: entry.unit
        for entry in RegistrationUnit.objects.filter(registration=registration, unit_id__in=wanted).select_related(
            "unit"
        )
    }
    if wanted - set(on_plan):
        raise PortfolioError(_("One of the chosen units is not on this learner's plan; nothing was saved."))
    return sorted(on_plan.values(), key=lambda unit: unit.reference)


def _store(saver: StoredFiles, adjustment: Adjustment, prepared: Sequence[PreparedFile], actor) -> list[dict]:
    stored = []
    for item in prepared:
        record = AdjustmentFile(
            adjustment=adjustment,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            uploaded_by=actor,
        )
        saver.save(record.file, generated_name(item.file_type), item.content)
        record.save()
        stored.append({"name": record.original_name, "type": record.content_type, "sha256": record.sha256})
    return stored


def request_adjustment(
    *,
    actor,
    registration: Registration,
    kind: str,
    what: str,
    why: str,
    units: Iterable = (),
    assessments: str = "",
    files: Sequence = (),
) -> Adjustment:
    """Record a request for a reasonable adjustment or special consideration, with its supporting files, awaiting
    the centre's decision. Files are checked before anything is written and removed again if the request fails."""
    prepared = prepare_all(files)
    try:
        with StoredFiles() as saver, transaction.atomic():
            return _request(actor, registration, kind, what, why, units, assessments, saver, prepared)
    finally:
        for item in prepared:
            item.close()


def _request(actor, registration, kind, what, why, units, assessments, saver, prepared) -> Adjustment:
    registration = Registration.objects.select_for_update(of=("self",)).select_related("centre").get(pk=registration.pk)
    if not may_request_adjustment(actor, registration):
        raise NotAllowed(_("Only the centre admin or the learner's assessor may record a request for an adjustment."))
    require_active(registration)
    if kind not in Adjustment.Kind.values:
        raise PortfolioError(_("Choose a reasonable adjustment or a special consideration."))
    what = _text(what, "Say what is asked for.")
    why = _text(why, "Say why it is needed.")
    assessments = _text(assessments, "", required=False, limit=ASSESSMENTS_MAX)
    chosen = _units_on_plan(registration, units)
    adjustment = Adjustment.objects.create(
        registration=registration, kind=kind, what=what, why=why, assessments=assessments, requested_by=actor
    )
    adjustment.units.set(chosen)
    stored = _store(saver, adjustment, prepared, actor)
    with translation.override("en"):  # the audit history stays in English
        record_event(
            action="adjustment.requested",
            obj=adjustment,
            actor=actor,
            registration=registration,
            summary=f"{adjustment.get_kind_display()} requested: {what}",
            kind=kind,
            what=what,
            why=why,
            units=[unit.reference for unit in chosen],
            assessments=assessments,
            files=stored,
        )
    return adjustment


def add_adjustment_files(*, actor, adjustment: Adjustment, files: Sequence) -> int:
    """Add supporting files to a request, before or after its decision; files are never removed."""
    if not files:
        raise PortfolioError(_("Choose at least one file."))
    prepared = prepare_all(files)
    try:
        with StoredFiles() as saver, transaction.atomic():
            adjustment = (
                Adjustment.objects.select_for_update(of=("self",))
                .select_related("registration__centre")
                .get(pk=adjustment.pk)
            )
            registration = adjustment.registration
            if not may_request_adjustment(actor, registration):
                raise NotAllowed(_("Only the centre admin or the learner's assessor may add supporting files."))
            stored = _store(saver, adjustment, prepared, actor)
            with translation.override("en"):  # the audit history stays in English
                record_event(
                    action="adjustment.files_added",
                    obj=adjustment,
                    actor=actor,
                    registration=registration,
                    summary=f"Added {len(stored)} supporting file(s) to a {adjustment.get_kind_display().lower()}",
                    files=stored,
                )
    finally:
        for item in prepared:
            item.close()
    return len(stored)


@transaction.atomic
def decide_adjustment(
    *, actor, adjustment: Adjustment, approve: bool, reason: str = "", adjusted: str = ""
) -> Adjustment:
    """Approve a request, saying what was adjusted, or refuse it with the reason. A decision is made once."""
    adjustment = (
        Adjustment.objects.select_for_update(of=("self",)).select_related("registration__centre").get(pk=adjustment.pk)
    )
    registration = adjustment.registration
    if not may_decide_adjustment(actor, registration):
        raise NotAllowed(_("Only a centre admin, whom the centre authorises, may decide on an adjustment."))
    if adjustment.status != Adjustment.Status.REQUESTED:
        raise AlreadyDone(f"This request was already {adjustment.get_status_display().lower()}; nothing changed.")
    reason = _text(reason, "", required=False)
    if approve:
        adjusted = _text(adjusted, "Say what was adjusted (for example: 25% extra time, questions read aloud).")
        adjustment.status = Adjustment.Status.APPROVED
    else:
        reason = _text(reason, "Give the reason for refusing the request.")
        adjusted = ""
        adjustment.status = Adjustment.Status.REFUSED
    adjustment.decided_by = actor
    adjustment.decided_at = timezone.now()
    adjustment.decision_reason = reason
    adjustment.adjusted = adjusted
    adjustment.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "adjusted"])
    with translation.override("en"):  # the audit history stays in English
        record_event(
            action="adjustment.decided",
            obj=adjustment,
            actor=actor,
            registration=registration,
            summary=f"{adjustment.get_kind_display()} {adjustment.get_status_display().lower()}"
            + (f": {adjusted}" if approve else f": {reason}"),
            outcome=adjustment.status,
            reason=reason,
            adjusted=adjusted,
        )
    return adjustment
