"""The errors of the centres services, all domain errors with a message fit to show the user."""

import core.errors
from core.errors import DomainError


class CentresError(DomainError):
    """A rule about centres and people was broken; the message is meant for the user."""


class NotAllowed(CentresError, core.errors.NotAllowed):
    """Only a centre admin (or the person concerned) may do this (a 403)."""


class StaffError(CentresError):
    pass


class InvitationError(CentresError):
    pass
