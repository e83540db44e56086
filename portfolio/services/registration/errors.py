"""The registration services' error: `errors` maps a form field (or None for the whole form) to messages fit to
show a centre admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portfolio.services import PortfolioError

if TYPE_CHECKING:
    from .similar import SimilarQualification


Errors = dict[str | None, list[str]]


class RegistrationError(PortfolioError):
    """`errors` maps a form field (None: the whole form) to messages for the user."""

    def __init__(self, errors: Errors | str):
        self.errors: Errors = {None: [errors]} if isinstance(errors, str) else errors
        super().__init__(" ".join(message for messages in self.errors.values() for message in messages))

    @property
    def messages(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]

    def field_errors(self) -> Errors:
        return self.errors


class WarningsToAcknowledge(RegistrationError):
    """The registration may go ahead, but only once the centre admin has read these warnings and said so."""

    def __init__(self, warnings: list[SimilarQualification]):
        self.warnings = warnings
        super().__init__({"acknowledge_warnings": [warning.message for warning in warnings]})
