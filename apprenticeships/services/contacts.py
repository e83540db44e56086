"""Employer contacts, managed by a centre admin: a new invitation to choose a password (in the employer wording),
and deactivation. A deactivated contact no longer sees the employer's apprentices; their unused signing links stop
working (services/links.py asks for an active contact); when they are an active contact nowhere else (and neither
staff nor learner), their account is disabled (no sign-in) and their pending invitations revoked. Each step is in
the audit history."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from centres.access import has_role
from centres.models import Invitation, Role, record_event
from centres.services.invitations import invite_user

from ..models import EmployerContact
from . import ApprenticeshipError, require


def _require_admin(actor, contact: EmployerContact) -> None:
    require(
        has_role(actor, Role.CENTRE_ADMIN, contact.employer.centre_id),
        "Only a centre admin of the employer's centre manages its contacts.",
    )


@transaction.atomic
def resend_employer_invitation(*, actor, contact: EmployerContact) -> Invitation:
    """A new one-time link to choose a password, worded for an employer contact (`Invitation.Kind.EMPLOYER`)."""
    _require_admin(actor, contact)
    if not contact.is_active:
        raise ApprenticeshipError("This employer contact is deactivated; they cannot be invited.")
    return invite_user(actor=actor, user=contact.user, centre=contact.employer.centre, kind=Invitation.Kind.EMPLOYER)


@transaction.atomic
def deactivate_employer_contact(*, actor, contact: EmployerContact, reason: str = "") -> EmployerContact:
    _require_admin(actor, contact)
    contact = EmployerContact.objects.select_for_update().select_related("employer__centre", "user").get(pk=contact.pk)
    if not contact.is_active:
        raise ApprenticeshipError("This employer contact is already deactivated.")
    reason = (reason or "").strip()[:500]
    now = timezone.now()
    contact.is_active = False
    contact.save(update_fields=["is_active"])
    user = contact.user
    employer = contact.employer
    account_disabled = False
    if (
        not user.employer_contacts.filter(is_active=True).exists()
        and not user.memberships.exists()
        and not user.registrations.exists()
    ):
        user.is_active = False
        user.save(update_fields=["is_active"])
        user.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
        account_disabled = True
    record_event(
        action="apprenticeship.employer_contact_deactivated",
        obj=contact,
        actor=actor,
        centre=employer.centre,
        summary=f"{user.full_name} ({user.email}) is no longer an employer contact for {employer.name}",
        role="employer_contact",
        reason=reason,
        account_disabled=account_disabled,
    )
    return contact
