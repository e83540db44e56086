"""A change to anyone's roles forgets the access profiles remembered for the current request; each sign-in
starts the session's clock (centres.middleware), however it is made (the sign-in page, an invitation, tests); adding
or removing a second factor updates what this session knows of it (centres.auth.middleware)."""

from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .access import forget_access
from .auth.middleware import MFA_IN_PLACE_KEY
from .middleware import start_session_clock
from .models import EqaLink, Membership, User


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="centres-forget-access-membership")
@receiver([post_save, post_delete], sender=EqaLink, dispatch_uid="centres-forget-access-eqa-link")
@receiver([post_save, post_delete], sender=User, dispatch_uid="centres-forget-access-user")
def roles_changed(**kwargs) -> None:
    forget_access()


@receiver(user_logged_in, dispatch_uid="centres-start-session-clock")
def signed_in(request=None, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)


@receiver(authenticator_added, dispatch_uid="centres-mfa-added")
def mfa_added(request=None, user=None, **kwargs) -> None:
    if request is not None and user is not None and hasattr(request, "session"):
        request.session[MFA_IN_PLACE_KEY] = user.pk


@receiver(authenticator_removed, dispatch_uid="centres-mfa-removed")
def mfa_removed(request=None, **kwargs) -> None:
    # The person may have removed their last factor: the middleware checks again at the next request.
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_IN_PLACE_KEY, None)
