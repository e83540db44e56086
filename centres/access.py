"""Who holds which role where. Every view asks these questions on the server, never only in templates.

A person's roles are read once per request (`access_profile`, one query) and every question below is answered
from them; outside a request (services, commands, tests calling functions directly) each call reads afresh."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, CharField, Q, QuerySet, Value
from django.http import Http404

from .models import Centre, EqaLink, Membership, Role


@dataclass(frozen=True)
class AccessProfile:
    """A person's active roles: their memberships (with centres), the centres they quality-assure as EQA, and
    the trainee assessors they countersign for, as (trainee user id, centre id)."""

    memberships: tuple[Membership, ...] = ()
    eqa_centres: tuple[Centre, ...] = ()
    supervised: tuple[tuple[int, int], ...] = ()
    # (role, centre id) for each trainee (assessor or IQA) whose work this person countersigns
    countersigns: tuple[tuple[str, int], ...] = ()

    def centre_ids(self, *roles: str) -> list[int]:
        """Ids of the centres where the person holds any of the roles (any staff role when none are named)."""
        return sorted(
            {membership.centre_id for membership in self.memberships if not roles or membership.role in roles}
        )

    def holds(self, role: str, centre_id: int | None = None) -> bool:
        return any(
            membership.role == role and (centre_id is None or membership.centre_id == centre_id)
            for membership in self.memberships
        )


_request_profiles: ContextVar[dict[int, AccessProfile] | None] = ContextVar("access_profiles", default=None)


@contextmanager
def remembering_access() -> Iterator[None]:
    """Within this block (one request), each person's access profile is read once. A change to any membership
    or EQA link forgets what was remembered (see centres.signals)."""
    token = _request_profiles.set({})
    try:
        yield
    finally:
        _request_profiles.reset(token)


def forget_access() -> None:
    remembered = _request_profiles.get()
    if remembered is not None:
        remembered.clear()


def access_profile(user) -> AccessProfile:
    if not user.is_authenticated or not user.is_active:
        return AccessProfile()
    remembered = _request_profiles.get()
    if remembered is not None and user.pk in remembered:
        return remembered[user.pk]
    own, supervised, countersigns, eqa_centres = [], [], set(), []
    for membership in _memberships_and_eqa_links(user):
        if isinstance(membership, Centre):  # an active EQA link's centre
            eqa_centres.append(membership)
            continue
        if membership.user_id == user.pk:
            own.append(membership)
        if membership.countersignatory_id == user.pk and membership.role == Role.ASSESSOR:
            supervised.append((membership.user_id, membership.centre_id))
        if membership.countersignatory_id == user.pk and membership.needs_countersignature:
            countersigns.add((membership.role, membership.centre_id))
    assessing = {membership.centre_id for membership in own if membership.role == Role.ASSESSOR}
    profile = AccessProfile(
        memberships=tuple(own),
        eqa_centres=tuple(eqa_centres),
        # A qualified assessor countersigns for the trainees they supervise at centres where they assess.
        supervised=tuple(pair for pair in supervised if pair[1] in assessing),
        countersigns=tuple(sorted(countersigns)),
    )
    if remembered is not None:
        remembered[user.pk] = profile
    return profile


_MEMBERSHIP_FIELDS = ["id", "user_id", "centre_id", "role", "status", "countersignatory_id"]
_CENTRE_FIELDS = ["id", "name", "centre_number", "require_mfa_for_assessors"]


def _memberships_and_eqa_links(user) -> list[Membership | Centre]:
    """The person's active memberships and those of the people they countersign for (each with its centre), then
    the centres of their active EQA links: one query, a UNION of the two tables, on every signed-in request.

    Only the fields access checks read are loaded; any other is read from the database if asked for, and saving
    such a membership writes only the fields loaded."""
    text, ident = Value("", output_field=CharField()), Value(None, output_field=BigIntegerField())
    memberships = (
        Membership.objects.active()
        .filter(Q(user=user) | Q(countersignatory=user))
        .order_by()
        .values_list(
            Value("m", output_field=CharField()),
            *_MEMBERSHIP_FIELDS,
            "centre__name",
            "centre__centre_number",
            "centre__require_mfa_for_assessors",
        )
    )
    links = (
        EqaLink.objects.filter(user=user, is_active=True)
        .order_by()
        .values_list(
            Value("e", output_field=CharField()),
            "id",
            "user_id",
            "centre_id",
            text,
            text,
            ident,
            "centre__name",
            "centre__centre_number",
            "centre__require_mfa_for_assessors",
        )
    )
    db = Membership.objects.db
    rows = []
    for kind, *membership_values, centre_name, centre_number, assessor_mfa in memberships.union(links, all=True):
        centre = Centre.from_db(db, _CENTRE_FIELDS, [membership_values[2], centre_name, centre_number, assessor_mfa])
        if kind == "e":
            rows.append(centre)
            continue
        loaded = {**dict(zip(_MEMBERSHIP_FIELDS, membership_values, strict=True)), "is_active": True}
        # from_db takes the values in the model's field order when some fields are left deferred.
        fields = [f.attname for f in Membership._meta.concrete_fields if f.attname in loaded]
        membership = Membership.from_db(db, fields, [loaded[name] for name in fields])
        Membership._meta.get_field("centre").set_cached_value(membership, centre)
        rows.append(membership)
    memberships_first = [row for row in rows if isinstance(row, Membership)]
    memberships_first.sort(key=lambda m: (m.centre.name, m.role, m.pk))
    centres = sorted((row for row in rows if isinstance(row, Centre)), key=lambda centre: (centre.name, centre.pk))
    return [*memberships_first, *centres]


def memberships_of(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user)


def centres_where(user, *roles: str) -> QuerySet[Centre]:
    """The centres where the user holds any of the roles (all staff roles when none are named)."""
    return Centre.objects.filter(pk__in=access_profile(user).centre_ids(*roles))


def _centre_id(centre) -> int | None:
    """A centre, its id, or its id as text (from a URL) -> its id; None for none; -1 for nonsense (no centre)."""
    if centre is None or isinstance(centre, Centre):
        return centre.pk if centre is not None else None
    try:
        return int(centre)
    except (TypeError, ValueError):
        return -1


def has_role(user, role: str, centre=None) -> bool:
    return access_profile(user).holds(role, _centre_id(centre))


def is_eqa(user) -> bool:
    return bool(access_profile(user).eqa_centres)


def membership_for(user, centre, role: str) -> Membership | None:
    centre_id = _centre_id(centre)
    for membership in access_profile(user).memberships:
        if membership.centre_id == centre_id and membership.role == role:
            return membership
    return None


def roles_of(user) -> dict[str, list]:
    """Role name -> centres, for navigation and home pages."""
    profile = access_profile(user)
    result: dict[str, list] = {}
    for membership in profile.memberships:
        result.setdefault(membership.role, []).append(membership.centre)
    if profile.eqa_centres:
        result["eqa"] = list(profile.eqa_centres)
    # Where they countersign for trainees: "countersigns_assessor" / "countersigns_iqa" -> centres
    centres = {membership.centre_id: membership.centre for membership in profile.memberships}
    for role, centre_id in profile.countersigns:
        if centre_id in centres:
            result.setdefault(f"countersigns_{role}", []).append(centres[centre_id])
    return result


def get_centre_for(user, pk, *roles: str) -> Centre:
    """The centre, if the user works there (else 404); with roles named, 403 unless they hold one of them."""
    profile = access_profile(user)
    centre_id = _centre_id(pk)
    centre = next((m.centre for m in profile.memberships if m.centre_id == centre_id), None)
    if centre is None:
        raise Http404("No such centre.")
    if roles and centre_id not in profile.centre_ids(*roles):
        raise PermissionDenied("Your role at this centre does not allow this.")
    return centre


def is_staff_member(user) -> bool:
    return bool(access_profile(user).memberships)


__all__ = [
    "AccessProfile",
    "Role",
    "access_profile",
    "centres_where",
    "get_centre_for",
    "has_role",
    "is_eqa",
    "is_staff_member",
    "membership_for",
    "memberships_of",
    "roles_of",
]
