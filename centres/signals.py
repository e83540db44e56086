"""A change to anyone's roles forgets the access profiles remembered for the current request and bumps the access
version of each person it concerns, so their sessions read their roles again (centres.access); each sign-in starts
the session's clock (centres.middleware) and keeps the person's roles in it, however it is made (the sign-in page, an
invitation, tests); adding or removing a second factor updates what this session knows of it
(centres.auth.middleware)."""

from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .access import forget_access, keep_roles_in_session
from .auth.middleware import MFA_IN_PLACE_KEY
from .middleware import start_session_clock
from .models import Centre, EqaLink, Membership, User


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="centres-forget-access-membership")
@receiver([post_save, post_delete], sender=EqaLink, dispatch_uid="centres-forget-access-eqa-link")
@receiver([post_save, post_delete], sender=User, dispatch_uid="centres-forget-access-user")
def roles_changed(**kwargs) -> None:
    forget_access()


def _bump_access_versions(user_ids) -> None:
    ids = {pk for pk in user_ids if pk is not None}
    if ids:
        User.objects.filter(pk__in=ids).update(access_version=F("access_version") + 1)


@receiver(pre_save, sender=Membership, dispatch_uid="centres-membership-countersignatory-before")
def membership_about_to_change(instance: Membership, raw=False, **kwargs) -> None:
    # The colleague who countersigned until now loses this trainee from their roles: remember who it was.
    if not raw and instance.pk is not None:
        before = Membership.objects.filter(pk=instance.pk).values_list("countersignatory_id", flat=True).first()
        instance._countersignatory_before = before


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="centres-access-version-membership")
def membership_changed(instance: Membership, raw=False, **kwargs) -> None:
    if not raw:
        before = getattr(instance, "_countersignatory_before", None)
        _bump_access_versions([instance.user_id, instance.countersignatory_id, before])


@receiver([post_save, post_delete], sender=EqaLink, dispatch_uid="centres-access-version-eqa-link")
def eqa_link_changed(instance: EqaLink, raw=False, **kwargs) -> None:
    if not raw:
        _bump_access_versions([instance.user_id])


@receiver(post_save, sender=Centre, dispatch_uid="centres-access-version-centre")
def centre_changed(instance: Centre, raw=False, created=False, **kwargs) -> None:
    # Roles carry their centre's name, number and MFA rule: everyone holding one there reads theirs again.
    if not raw and not created:
        _bump_access_versions(
            [
                *Membership.objects.filter(centre=instance).values_list("user_id", flat=True),
                *Membership.objects.filter(centre=instance).values_list("countersignatory_id", flat=True),
                *EqaLink.objects.filter(centre=instance).values_list("user_id", flat=True),
            ]
        )


@receiver(post_save, sender=User, dispatch_uid="centres-access-version-user")
def person_changed(instance: User, raw=False, created=False, update_fields=None, **kwargs) -> None:
    # A trainee made inactive (or active again) leaves (or rejoins) the roles of whoever countersigns for them.
    if not raw and not created and (update_fields is None or "is_active" in update_fields):
        _bump_access_versions(Membership.objects.filter(user=instance).values_list("countersignatory_id", flat=True))


@receiver(user_logged_in, dispatch_uid="centres-start-session-clock")
def signed_in(request=None, user=None, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)
        if user is not None:
            keep_roles_in_session(request.session, user)


@receiver(authenticator_added, dispatch_uid="centres-mfa-added")
def mfa_added(request=None, user=None, **kwargs) -> None:
    if request is not None and user is not None and hasattr(request, "session"):
        request.session[MFA_IN_PLACE_KEY] = user.pk


@receiver(authenticator_removed, dispatch_uid="centres-mfa-removed")
def mfa_removed(request=None, **kwargs) -> None:
    # The person may have removed their last factor: the middleware checks again at the next request.
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_IN_PLACE_KEY, None)
