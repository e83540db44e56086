"""Recording how the learner's identity was confirmed, and who may record it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Role, User, record_event
from portfolio.models import Registration
from portfolio.services import AlreadyDone, NotAllowed

from ._common import _add, _identity_record, _lock, _require_active
from .checks import identity_problems
from .errors import RegistrationError


def may_record_identity(user, registration: Registration) -> bool:
    """A centre admin of the registration's centre, or the learner's assessor there."""
    return has_role(user, Role.CENTRE_ADMIN, registration.centre) or (
        registration.assessor_id == user.pk and has_role(user, Role.ASSESSOR, registration.centre)
    )


@transaction.atomic
def record_identity_check(
    *,
    actor,
    registration: Registration,
    document_type: str,
    checked_by: User | None,
    checked_on: dt.date | None,
    details: str = "",
) -> Registration:
    """Record (or correct) how the learner's identity was confirmed, by whom and when. Until it is recorded no
    criterion is marked met, no unit signed by the assessor and no certificate claimed."""
    registration = _lock(registration)
    if not may_record_identity(actor, registration):
        raise NotAllowed(
            _("Only a centre admin at %(centre)s or the learner's assessor may record this.")
            % {"centre": registration.centre}
        )
    _require_active(registration)
    errors = identity_problems(
        centre=registration.centre,
        qualification=registration.qualification,
        document_type=document_type,
        checked_by=checked_by,
        checked_on=checked_on,
        details=details,
    )
    if not errors and not document_type.strip():
        _add(errors, "id_document_type", "Say which proof of identity was seen.")
    if errors:
        raise RegistrationError(errors)
    previous = _identity_record(registration)
    registration.id_document_type = document_type.strip()
    registration.id_details = details.strip()
    registration.id_checked_by = checked_by
    registration.id_checked_on = checked_on
    current = _identity_record(registration)
    if current == previous:
        raise AlreadyDone("This identity check is already recorded; nothing changed.")
    registration.save(update_fields=["id_document_type", "id_details", "id_checked_by", "id_checked_on"])
    detail = f" ({registration.id_details})" if registration.id_details else ""
    record_event(
        action="registration.identity_checked",
        obj=registration,
        actor=actor,
        registration=registration,
        summary=f"Identity {'re-recorded' if previous else 'checked'}: {registration.id_document_type}{detail}, "
        f"by {checked_by} on {checked_on:%-d %B %Y}",
        **current,
        previous=previous,
    )
    return registration
