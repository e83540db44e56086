"""Portfolio services: the one place for each rule. Views show a PortfolioError's message to the user."""

from django.contrib import messages

import core.errors


class PortfolioError(core.errors.DomainError):
    """A rule of the portfolio refused the change; the message says why, in words for the user."""


class NotAllowed(PortfolioError, core.errors.NotAllowed):
    """The acting user's role does not allow this change."""


class UnitLocked(PortfolioError):
    """The change touches a unit locked since the assessor signed it (RegistrationUnit.locked_at)."""

    def __init__(self, unit):
        super().__init__(
            f"This unit is locked for sign-off; ask the assessor to reopen it ({unit.reference} {unit.title})."
        )
        self.unit = unit


class InvalidFile(PortfolioError):
    """An uploaded file was refused: empty, too large, of a type not allowed, or not what its name says."""


class AlreadyDone(PortfolioError):
    """The same change was already made (a form posted twice): nothing more was stored."""

    message_level = messages.INFO

    def __init__(self, message: str, obj=None):
        super().__init__(message)
        self.obj = obj


class IdentityNotConfirmed(PortfolioError):
    """The learner's identity check is not recorded yet: nothing they did can be judged met."""

    def __init__(self, registration, doing: str = "marking criteria met"):
        super().__init__(
            f"{registration.learner}'s identity has not been confirmed: record the identity check (the proof seen, "
            f"who checked it and when) before {doing}."
        )
