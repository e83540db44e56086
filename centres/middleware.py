"""Session lifetime: signed out after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS in all.

The idle limit is also enforced by the session cookie's age (SESSION_COOKIE_AGE); checking it here as well lets us
say why the person was signed out. The idle clock is kept to SESSION_TOUCH_SECONDS (a minute): the session is
written, and its cookie's age renewed, on the first request after that much time, not on every request, which
would cost every page a transaction that writes the session row."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

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
                return self._sign_out(request, "Your session has ended. Please sign in again.")
            elif last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                return self._sign_out(
                    request,
                    f"You were signed out after {settings.SESSION_IDLE_MINUTES} minutes without activity. "
                    "Please sign in again.",
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
    """Each person's roles are read once per request (see centres.access.access_profile)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with remembering_access():
            return self.get_response(request)
