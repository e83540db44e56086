"""Who holds which role where. Every view asks these questions on the server, never only in templates."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Centre, EqaLink, Membership, Role


def memberships_of(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user)


def centres_where(user, *roles: str) -> QuerySet[Centre]:
    """The centres where the user holds any of the roles (all staff roles when none are named)."""
    memberships = memberships_of(user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Centre.objects.filter(pk__in=memberships.values("centre_id"))


def has_role(user, role: str, centre=None) -> bool:
    memberships = memberships_of(user).filter(role=role)
    if centre is not None:
        memberships = memberships.filter(centre=centre)
    return memberships.exists()


def is_eqa(user) -> bool:
    return user.is_authenticated and EqaLink.objects.filter(user=user, is_active=True).exists()


def membership_for(user, centre, role: str) -> Membership | None:
    return memberships_of(user).filter(centre=centre, role=role).first()


def roles_of(user) -> dict[str, list]:
    """Role name -> centres, for navigation and home pages."""
    result: dict[str, list] = {}
    for membership in memberships_of(user).select_related("centre"):
        result.setdefault(membership.role, []).append(membership.centre)
    if user.is_authenticated:
        links = EqaLink.objects.filter(user=user, is_active=True).select_related("centre")
        eqa_centres = [link.centre for link in links]
        if eqa_centres:
            result["eqa"] = eqa_centres
    return result


def get_centre_for(user, pk, *roles: str) -> Centre:
    """The centre, if the user works there (else 404); with roles named, 403 unless they hold one of them."""
    centre = Centre.objects.filter(pk=pk, pk__in=memberships_of(user).values("centre_id")).first()
    if centre is None:
        raise Http404("No such centre.")
    if roles and not memberships_of(user).filter(centre=centre, role__in=roles).exists():
        raise PermissionDenied("Your role at this centre does not allow this.")
    return centre


def is_staff_member(user) -> bool:
    return memberships_of(user).exists()


__all__ = [
    "Role",
    "centres_where",
    "get_centre_for",
    "has_role",
    "is_eqa",
    "is_staff_member",
    "membership_for",
    "memberships_of",
    "roles_of",
]
