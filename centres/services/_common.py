"""Helpers every centres service shares: the normal form of an email address and the centre admin check."""

from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Centre, Role

from .errors import NotAllowed


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def require_centre_admin(actor, centre: Centre) -> None:
    if not has_role(actor, Role.CENTRE_ADMIN, centre):
        raise NotAllowed(_("Only a centre admin at %(centre)s may do this.") % {"centre": centre})
