"""Closing a registration: the learner withdrawn, or the qualification completed. Nothing is ever deleted."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import record_event
from portfolio.models import Registration
from portfolio.progress import registration_progress

from ._common import _lock, _require_active, _require_centre_admin
from .errors import RegistrationError


@transaction.atomic
def withdraw_registration(*, actor, registration: Registration, reason: str) -> Registration:
    """The learner leaves the programme. Everything they did stays in the record."""
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    if not reason.strip():
        raise RegistrationError({"reason": ["Say why the learner is withdrawn."]})
    registration.status = Registration.Status.WITHDRAWN
    registration.status_changed_at = timezone.now()
    registration.status_reason = reason.strip()
    registration.save(update_fields=["status", "status_changed_at", "status_reason"])
    record_event(
        action="registration.withdrawn",
        obj=registration,
        actor=actor,
        registration=registration,
        summary=f"Withdrawn: {reason.strip()}",
        reason=reason.strip(),
    )
    return registration


@transaction.atomic
def complete_registration(*, actor, registration: Registration, note: str = "") -> Registration:
    """Close a registration whose every required criterion is met."""
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    progress = registration_progress([registration])[registration.pk]
    if progress.required == 0 or progress.met < progress.required:
        raise RegistrationError(
            _(
                "%(missing)s of %(required)s required criteria are not met yet; a "
                "registration is completed once every one is met."
            )
            % {"missing": progress.required - progress.met, "required": progress.required}
        )
    registration.status = Registration.Status.COMPLETED
    registration.status_changed_at = timezone.now()
    registration.status_reason = note.strip()
    registration.save(update_fields=["status", "status_changed_at", "status_reason"])
    record_event(
        action="registration.completed",
        obj=registration,
        actor=actor,
        registration=registration,
        summary="Completed" + (f": {note.strip()}" if note.strip() else ""),
        note=note.strip(),
    )
    return registration
