"""Who holds which role where. Every view asks these questions on the server, never only in templates.

A person's roles are read once per request (`access_profile`, one query) and every question below is answered
from them; outside a request (services, commands, tests calling functions directly) each call reads afresh.

The signed-in person's own roles are also kept in their session, tagged with their `User.access_version`, which
comes with the session's row (centres.sessions): a page whose version matches reads no roles at all. Every change
that could alter what the roles say (a membership, an EQA link, a centre, a person's being active) bumps the
version of each person it concerns (centres.signals), so the next request reads their roles again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, BooleanField, CharField, Q, QuerySet, Value
from django.http import Http404

from .models import Centre, CompetenceStatus, EqaLink, Membership, Role, User


@dataclass(frozen=True)
class AccessProfile:
    """A person's active roles: their memberships (with centres), the centres they quality-assure as EQA, and
    the trainee assessors they countersign for, as (trainee user id, centre id)."""

    memberships: tuple[Membership, ...] = ()
    eqa_centres: tuple[Centre, ...] = ()
    supervised: tuple[tuple[int, int], ...] = ()
    # (role, centre id) for each trainee (assessor or IQA) whose work this person countersigns
    countersigns: tuple[tuple[str, int], ...] = ()
    # (trainee user id, centre id) for each assessor working towards their award whose judgements this person
    # countersigns, at centres where this person is a qualified assessor
    countersigned_assessors: tuple[tuple[int, int], ...] = ()

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


@dataclass
class _Remembered:
    """What one request remembers: each person's profile, and the request whose session may keep its person's."""

    profiles: dict[int, AccessProfile]
    request: object = None
    # Roles changed during this request: the session's copy is dropped and not written again before it ends.
    changed: bool = False


_remembered: ContextVar[_Remembered | None] = ContextVar("access_profiles", default=None)

# The session's copy of its person's roles: [access_version, rows of _membership_rows].
SESSION_ACCESS_KEY = "_access_rows"


@contextmanager
def remembering_access(request=None) -> Iterator[None]:
    """Within this block (one request), each person's access profile is read once; with the request, the
    signed-in person's roles are kept in their session between requests. A change to any membership or EQA link
    forgets what was remembered (see centres.signals)."""
    token = _remembered.set(_Remembered(profiles={}, request=request))
    try:
        yield
    finally:
        _remembered.reset(token)


def forget_access() -> None:
    remembered = _remembered.get()
    if remembered is None:
        return
    remembered.profiles.clear()
    remembered.changed = True
    session = getattr(remembered.request, "session", None)
    if session is not None:
        session.pop(SESSION_ACCESS_KEY, None)


def access_profile(user) -> AccessProfile:
    if not user.is_authenticated or not user.is_active:
        return AccessProfile()
    remembered = _remembered.get()
    if remembered is not None and user.pk in remembered.profiles:
        return remembered.profiles[user.pk]
    own, supervised, countersigns, eqa_centres, trainees = [], [], set(), [], []
    for membership in _memberships_and_eqa_links(_rows_of(user, remembered)):
        if isinstance(membership, Centre):  # an active EQA link's centre
            eqa_centres.append(membership)
            continue
        if membership.user_id == user.pk:
            own.append(membership)
        if membership.countersignatory_id == user.pk and membership.role == Role.ASSESSOR:
            supervised.append((membership.user_id, membership.centre_id))
        if membership.countersignatory_id == user.pk and membership.needs_countersignature:
            countersigns.add((membership.role, membership.centre_id))
            if membership.role == Role.ASSESSOR:
                trainees.append((membership.user_id, membership.centre_id))
    assessing = {membership.centre_id for membership in own if membership.role == Role.ASSESSOR}
    qualified = {m.centre_id for m in own if m.role == Role.ASSESSOR and m.status == CompetenceStatus.QUALIFIED}
    profile = AccessProfile(
        memberships=tuple(own),
        eqa_centres=tuple(eqa_centres),
        # A qualified assessor countersigns for the trainees they supervise at centres where they assess.
        supervised=tuple(pair for pair in supervised if pair[1] in assessing),
        countersigns=tuple(sorted(countersigns)),
        countersigned_assessors=tuple(sorted(pair for pair in trainees if pair[1] in qualified)),
    )
    if remembered is not None:
        remembered.profiles[user.pk] = profile
    return profile


def keep_roles_in_session(session, user) -> None:
    """At sign-in: the person's roles kept in the new session (saved with it), so their first page reads none."""
    version, rows = _membership_rows(user)
    session[SESSION_ACCESS_KEY] = [version, rows]


def _rows_of(user, remembered: _Remembered | None) -> list[list]:
    """The person's rows (_membership_rows): from their session when it holds them at the person's current
    access version, else from the database (and then kept in the session)."""
    session = getattr(remembered.request, "session", None) if remembered is not None else None
    if (
        session is None
        or remembered.changed
        or session.get(SESSION_KEY) != str(user.pk)
        or "access_version" in user.get_deferred_fields()
    ):
        return _membership_rows(user)[1]
    kept = session.get(SESSION_ACCESS_KEY)
    if kept is not None and kept[0] == user.access_version:
        return kept[1]
    version, rows = _membership_rows(user)
    session[SESSION_ACCESS_KEY] = [version, rows]
    return rows


_MEMBERSHIP_FIELDS = ["id", "user_id", "centre_id", "role", "status", "countersignatory_id"]
_CENTRE_FIELDS = ["id", "name", "centre_number", "require_mfa_for_assessors"]


def _membership_rows(user) -> tuple[int, list[list]]:
    """The person's access version, and their active memberships and those of the people they countersign for
    (each with its centre), then the centres of their active EQA links: one query, a UNION of three tables, so the
    version is the one the roles were read at. The rows are plain values (a session keeps them): kind ("m" or
    "e"), the membership's fields (_MEMBERSHIP_FIELDS), then the centre's name, number and whether it requires MFA
    of assessors."""
    text, ident = Value("", output_field=CharField()), Value(None, output_field=BigIntegerField())
    version = (
        User.objects.filter(pk=user.pk)
        .order_by()
        .values_list(
            Value("v", output_field=CharField()),
            "access_version",
            ident,
            ident,
            text,
            text,
            ident,
            text,
            text,
            Value(False, output_field=BooleanField()),
        )
    )
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
    rows, current = [], 0
    for row in memberships.union(links, version, all=True):
        if row[0] == "v":
            current = row[1]
        else:
            rows.append(list(row))
    return current, rows


def _memberships_and_eqa_links(rows: list[list]) -> list[Membership | Centre]:
    """The rows of _membership_rows as objects: memberships (each with its centre), then EQA links' centres.

    Only the fields access checks read are loaded; any other is read from the database if asked for, and saving
    such a membership writes only the fields loaded."""
    db = Membership.objects.db
    objects = []
    for kind, *membership_values, centre_name, centre_number, assessor_mfa in rows:
        centre = Centre.from_db(db, _CENTRE_FIELDS, [membership_values[2], centre_name, centre_number, assessor_mfa])
        if kind == "e":
            objects.append(centre)
            continue
        loaded = {**dict(zip(_MEMBERSHIP_FIELDS, membership_values, strict=True)), "is_active": True}
        # from_db takes the values in the model's field order when some fields are left deferred.
        fields = [f.attname for f in Membership._meta.concrete_fields if f.attname in loaded]
        membership = Membership.from_db(db, fields, [loaded[name] for name in fields])
        Membership._meta.get_field("centre").set_cached_value(membership, centre)
        objects.append(membership)
    memberships_first = [row for row in objects if isinstance(row, Membership)]
    memberships_first.sort(key=lambda m: (m.centre.name, m.role, m.pk))
    centres = sorted((row for row in objects if isinstance(row, Centre)), key=lambda centre: (centre.name, centre.pk))
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
