"""Making and revoking API tokens: a centre admin's acts, each in the audit history."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Centre, Role, record_event
from core.errors import DomainError, NotAllowed

from .models import ApiToken, Scope, hash_secret

SECRET_PREFIX = "ept_"
MAX_DAYS = 366


class TokenError(DomainError):
    pass


def _require_centre_admin(actor, centre: Centre) -> None:
    if not has_role(actor, Role.CENTRE_ADMIN, centre):
        raise NotAllowed(_("Only a centre admin at %(centre)s may do this.") % {"centre": centre})


@transaction.atomic
def create_token(*, actor, centre: Centre, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token and its secret: the secret is returned once and never stored."""
    _require_centre_admin(actor, centre)
    name = name.strip()
    if not name:
        raise TokenError(_("Name the token after the system that will use it."))
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise TokenError(_("Choose at least one scope from the list."))
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(_("A token lasts between 1 and %(max)s days.") % {"max": MAX_DAYS})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        centre=centre,
        name=name,
        token_hash=hash_secret(secret),
        prefix=secret[: len(SECRET_PREFIX) + 4],
        scopes=sorted(set(scopes)),
        created_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    record_event(
        action="api.token_created",
        obj=token,
        actor=actor,
        centre=centre,
        summary=f"API token {token.name} made, with {', '.join(token.scopes)}, until {token.expires_at:%Y-%m-%d}",
        name=token.name,
        scopes=token.scopes,
        expires_at=token.expires_at.isoformat(),
    )
    return token, secret


@transaction.atomic
def revoke_token(*, actor, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    _require_centre_admin(actor, token.centre)
    if token.revoked_at is not None:
        raise TokenError(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    record_event(
        action="api.token_revoked",
        obj=token,
        actor=actor,
        centre=token.centre,
        summary=f"API token {token.name} revoked",
        name=token.name,
    )
    return token
