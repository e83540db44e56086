"""Session lifetime: signed out after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS in all.

The idle limit is also enforced by the session cookie's age (SESSION_COOKIE_AGE); checking it here as well lets us
say why the person was signed out. The idle clock is kept to SESSION_TOUCH_SECONDS (a minute): the session is
written, and its cookie's age renewed, on the first request after that much time, not on every request, which
would cost every page a transaction that writes the session row."""

import time

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend, logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .access import remembering_access

SESSION_STARTED_KEY = "session_started_at"
SESSION_LAST_SEEN_KEY = "session_last_seen_at"


def start_session_clock(request) -> None:
    now = time.time()
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_LAST_SEEN_KEY] = now


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED_KEY)
            last_seen = request.session.get(SESSION_LAST_SEEN_KEY)
            if started is None:
                start_session_clock(request)
            elif now - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
                return self._sign_out(request, _("Your session has ended. Please sign in again."))
            elif last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                return self._sign_out(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity. Please sign in again.")
                    % {"minutes": settings.SESSION_IDLE_MINUTES},
                )
            elif last_seen is None or now - last_seen >= settings.SESSION_TOUCH_SECONDS:
                request.session[SESSION_LAST_SEEN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request, message: str):
        logout(request)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path())


class RememberAccessMiddleware:
    """Each person's roles are read once per request, the signed-in person's kept in their session between
    requests (see centres.access.access_profile)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with remembering_access(request):
            return self.get_response(request)


class SessionUserMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, except that the person read with the session row (centres.sessions)
    stands in for the backend reading them again by id: one query fewer on every signed-in request."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = user_of_session(request)
    return request._cached_user


def user_of_session(request):
    """auth.get_user(request) without its query when the session brought its user: only where the backend's
    get_user is ModelBackend's (a read by id, then user_can_authenticate) and the session's hash verifies against
    the current secret; anything else (no row, another backend, a hash to check against fallback secrets or to
    refuse) is Django's own answer."""
    session = request.session
    user_id = session.get(SESSION_KEY)
    backend_path = session.get(BACKEND_SESSION_KEY)
    row = getattr(session, "user_row", None)
    if row is None or user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    if row._meta.pk.value_to_string(row) != str(user_id):
        return auth.get_user(request)
    backend = load_backend(backend_path)
    if not isinstance(backend, ModelBackend) or type(backend).get_user is not ModelBackend.get_user:
        return auth.get_user(request)
    if not backend.user_can_authenticate(row):
        return AnonymousUser()
    session_hash = session.get(HASH_SESSION_KEY)
    if session_hash and constant_time_compare(session_hash, row.get_session_auth_hash()):
        return row
    return auth.get_user(request)
