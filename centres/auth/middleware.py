"""People whose role needs multi-factor authentication (centres.auth.policy) and have none set up may reach only
the account pages (setting MFA up, signing out) and static files until they set it up."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .policy import mfa_required

# Set when this session's user is known to have MFA (signed in with it, or set it up here): no query after that.
MFA_IN_PLACE_KEY = "centres_mfa_in_place"


def mfa_in_place(request) -> bool:
    user = request.user
    if request.session.get(MFA_IN_PLACE_KEY) == user.pk:
        return True
    if any(record.get("method") == "mfa" for record in get_authentication_records(request, user)):
        return True
    return False


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_BY_ROLE
            and user is not None
            and user.is_authenticated
            and not self._open_path(request.path)
        ):
            if not mfa_in_place(request) and mfa_required(user):
                if is_mfa_enabled(user):
                    request.session[MFA_IN_PLACE_KEY] = user.pk
                else:
                    messages.warning(
                        request,
                        _(
                            "Your role needs two-factor authentication. Set up an authenticator "
                            "app or a passkey to continue."
                        ),
                    )
                    return redirect("mfa_index")
        return self.get_response(request)

    @staticmethod
    def _open_path(path: str) -> bool:
        return path.startswith(reverse("account_login").rsplit("login/", 1)[0]) or path.startswith(settings.STATIC_URL)
