"""Invitations: one-time links to set a password, sent once the change commits, accepted once."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import Centre, Invitation, User, record_event

from .errors import InvitationError


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("centres:invitation-accept", args=[token])


def _send_invitation_email(*, user: User, centre: Centre, kind: str, token: str, expires_at: dt.datetime) -> None:
    context = {
        "user": user,
        "centre": centre,
        "kind": kind,
        "url": invitation_url(token),
        "expires_at": expires_at,
        "days": settings.INVITATION_DAYS,
    }
    subject = render_to_string("centres/emails/invitation_subject.txt", context).strip()
    body = render_to_string("centres/emails/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@transaction.atomic
def invite_user(*, actor, user: User, centre: Centre, kind: str) -> Invitation:
    """Send a new one-time link to set a password; any earlier pending link for the user stops working.

    The email leaves only once the transaction commits, so a rolled-back registration sends nothing."""
    if not user.is_active:
        raise InvitationError(_("%(email)s's account is disabled; it cannot be invited.") % {"email": user.email})
    if user.has_usable_password():
        raise InvitationError(
            _("%(email)s has already set a password; they can use “Forgotten your password?”.") % {"email": user.email}
        )
    now = timezone.now()
    user.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        centre=centre,
        kind=kind,
        token_hash=_hash_token(token),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    record_event(
        action="invitation.sent",
        obj=invitation,
        actor=actor,
        centre=centre,
        summary=f"Invitation to set a password sent to {user.email}",
        email=user.email,
        kind=kind,
    )
    expires_at = invitation.expires_at
    transaction.on_commit(
        lambda: _send_invitation_email(user=user, centre=centre, kind=kind, token=token, expires_at=expires_at)
    )
    return invitation


def get_invitation(token: str) -> Invitation:
    """The pending invitation for the token, or InvitationError saying why the link no longer works."""
    invitation = Invitation.objects.select_related("user", "centre").filter(token_hash=_hash_token(token or "")).first()
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationError(_("This invitation link is not valid. Ask your centre admin to send a new one."))
    if invitation.used_at is not None:
        raise InvitationError(_("This invitation link has already been used. Sign in with your email and password."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation link has expired. Ask your centre admin to send a new one."))
    if not invitation.user.is_active:
        raise InvitationError(_("This account is disabled. Ask your centre admin."))
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, password: str) -> User:
    invitation = get_invitation(token)
    # Lock the row so that two submissions of the same link cannot both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:
        raise InvitationError(_("This invitation link has already been used. Sign in with your email and password."))
    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvitationError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    now = timezone.now()
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    user.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    record_event(
        action="invitation.accepted",
        obj=invitation,
        actor=user,
        centre=invitation.centre,
        summary=f"{user.email} set their password from an invitation",
    )
    return user
