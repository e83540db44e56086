"""The one way a view turns a domain error into an answer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from .errors import DomainError, NotAllowed


@dataclass
class Outcome:
    """What happened inside a `domain_errors_as_messages` block: `error` is the domain error it refused with."""

    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@contextmanager
def domain_errors_as_messages(request, *, form=None, field: str | None = None) -> Iterator[Outcome]:
    """Run a service call: NotAllowed becomes a 403 (PermissionDenied); any other DomainError becomes a message
    and the block ends early. With `form`, the messages go on the form (on the fields they name, else on `field`,
    else on the whole form); without, into the messages framework.

    The view then redirects or re-renders; `outcome.ok` tells it whether the block ran to the end:

        with domain_errors_as_messages(request) as outcome:
            sign_unit(...)
            messages.success(request, "Signed.")
        return redirect(...)
    """
    outcome = Outcome()
    try:
        yield outcome
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except DomainError as error:
        outcome.error = error
        if form is not None:
            for name, texts in error.field_errors().items():
                for text in texts:
                    form.add_error(name if name in form.fields else field, text)
        else:
            messages.add_message(request, error.message_level, str(error))
