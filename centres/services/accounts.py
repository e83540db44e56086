"""Accounts disabled or enabled by a site administrator."""

from django.db import transaction
from django.utils.translation import gettext as _

from centres.models import User, record_event

from .errors import NotAllowed


@transaction.atomic
def set_account_active(*, actor, user: User, active: bool, reason: str = "") -> User:
    """Disable or enable an account (site administrators only). A disabled user is signed out everywhere at
    once: the authentication backend refuses inactive users on their next request."""
    if not (actor.is_authenticated and actor.is_superuser):
        raise NotAllowed(_("Only a site administrator may disable or enable accounts."))
    if user.pk == actor.pk and not active:
        raise NotAllowed(_("You cannot disable your own account."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(
        action="account.enabled" if active else "account.disabled",
        obj=user,
        actor=actor,
        summary=f"{user.email} {'enabled' if active else 'disabled'}" + (f": {reason}" if reason else ""),
        reason=reason,
    )
    return user
