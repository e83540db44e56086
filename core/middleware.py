"""Answers that hold when the database does not, and the cache headers of personal pages.

- `DatabaseFaultMiddleware` (near the top of MIDDLEWARE): a database that cannot be reached (OperationalError or
  InterfaceError, raised by a view, by another middleware or while saving the session) is answered with the 503
  page, which asks the person to try again, rather than a 500 or a 400.
- `SessionMiddleware`: Django's, except that a database fault while saving the session is told apart from a
  session deleted during the request (Django reports both as SessionInterrupted, a 400).
- `PrivatePagesMiddleware`: every response to a signed-in person is `Cache-Control: private, no-store`, so that no
  shared cache or back button keeps a copy of a portfolio once its owner signs out.
"""

import sys

from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

DATABASE_FAULTS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
_FAULT_SEEN = "_database_fault_seen"


def is_database_fault(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it was raised from or while handling, is a database that cannot be reached."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_FAULTS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def database_unavailable(request=None) -> HttpResponse:
    """The 503 page, rendered without a request context: no context processor runs, nothing reads the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _remember_database_fault(sender, request=None, **kwargs) -> None:
    # Sent while Django turns an exception from a middleware into a 500, inside its `except`: the exception is
    # the one being handled.
    if request is not None and is_database_fault(sys.exc_info()[1]):
        setattr(request, _FAULT_SEEN, True)


class DatabaseFaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_remember_database_fault, dispatch_uid="core-remember-database-fault")

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except DATABASE_FAULTS:
            # The 500 handler itself failed on the database (its page read it again).
            return database_unavailable(request)
        if response.status_code >= 500 and getattr(request, _FAULT_SEEN, False):
            return database_unavailable(request)
        return response

    def process_exception(self, request, exception):
        if is_database_fault(exception):
            return database_unavailable(request)
        return None


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionInterrupted as exc:
            if is_database_fault(exc):
                return database_unavailable(request)
            raise


class PrivatePagesMiddleware:
    """After AuthenticationMiddleware. Static files (WhiteNoise, above it) and pages for people not signed in are
    left to their own headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
