"""One base for every domain error, so that views answer them one way (core.views.domain_errors_as_messages).

`NotAllowed` is a refusal about who the actor is (wrong role, not the assigned person, a conflict of interest):
a view answers it with 403. Any other `DomainError` is about the state of things or the input, and the person
acting is told why, in words written for them."""

from django.contrib import messages


class DomainError(Exception):
    """A rule refused the change; the message says why, in words for the person acting. Nothing was stored."""

    message_level = messages.ERROR

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def field_errors(self) -> dict[str | None, list[str]]:
        """Messages by form field (None: the whole form); an error about several fields overrides this."""
        return {None: [self.message]}


class NotAllowed(DomainError):
    """The acting person may not do this (their role, their assignment or a conflict of interest): a 403."""
