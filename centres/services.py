"""Rules for people at centres: staff memberships and credentials, invitations, and accounts.

Each service takes the acting user, checks the rule, writes an Event and raises a CentresError subclass
with a message fit to show the user."""

import calendar
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

import core.errors
from core.errors import DomainError

from . import hooks
from .access import has_role
from .models import (
    AWARDS_BY_ROLE,
    OTHER_AWARDS,
    Centre,
    CompetenceStatus,
    CpdEntry,
    Invitation,
    Membership,
    PersonalInterest,
    Role,
    User,
    record_event,
)


class CentresError(DomainError):
    """A rule about centres and people was broken; the message is meant for the user."""


class NotAllowed(CentresError, core.errors.NotAllowed):
    """Only a centre admin (or the person concerned) may do this (a 403)."""


class StaffError(CentresError):
    pass


class InvitationError(CentresError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def require_centre_admin(actor, centre: Centre) -> None:
    if not has_role(actor, Role.CENTRE_ADMIN, centre):
        raise NotAllowed(f"Only a centre admin at {centre} may do this.")


# --- Invitations -------------------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("centres:invitation-accept", args=[token])


def _send_invitation_email(*, user: User, centre: Centre, kind: str, token: str, expires_at: dt.datetime) -> None:
    context = {
        "user": user,
        "centre": centre,
        "kind": kind,
        "url": invitation_url(token),
        "expires_at": expires_at,
        "days": settings.INVITATION_DAYS,
    }
    subject = render_to_string("centres/emails/invitation_subject.txt", context).strip()
    body = render_to_string("centres/emails/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@transaction.atomic
def invite_user(*, actor, user: User, centre: Centre, kind: str) -> Invitation:
    """Send a new one-time link to set a password; any earlier pending link for the user stops working.

    The email leaves only once the transaction commits, so a rolled-back registration sends nothing."""
    if not user.is_active:
        raise InvitationError(f"{user.email}'s account is disabled; it cannot be invited.")
    if user.has_usable_password():
        raise InvitationError(f"{user.email} has already set a password; they can use “Forgotten your password?”.")
    now = timezone.now()
    user.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        centre=centre,
        kind=kind,
        token_hash=_hash_token(token),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    record_event(
        action="invitation.sent",
        obj=invitation,
        actor=actor,
        centre=centre,
        summary=f"Invitation to set a password sent to {user.email}",
        email=user.email,
        kind=kind,
    )
    expires_at = invitation.expires_at
    transaction.on_commit(
        lambda: _send_invitation_email(user=user, centre=centre, kind=kind, token=token, expires_at=expires_at)
    )
    return invitation


def get_invitation(token: str) -> Invitation:
    """The pending invitation for the token, or InvitationError saying why the link no longer works."""
    invitation = Invitation.objects.select_related("user", "centre").filter(token_hash=_hash_token(token or "")).first()
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationError("This invitation link is not valid. Ask your centre admin to send a new one.")
    if invitation.used_at is not None:
        raise InvitationError("This invitation link has already been used. Sign in with your email and password.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("This invitation link has expired. Ask your centre admin to send a new one.")
    if not invitation.user.is_active:
        raise InvitationError("This account is disabled. Ask your centre admin.")
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, password: str) -> User:
    invitation = get_invitation(token)
    # Lock the row so that two submissions of the same link cannot both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:
        raise InvitationError("This invitation link has already been used. Sign in with your email and password.")
    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvitationError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    now = timezone.now()
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    user.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    record_event(
        action="invitation.accepted",
        obj=invitation,
        actor=user,
        centre=invitation.centre,
        summary=f"{user.email} set their password from an invitation",
    )
    return user


# --- Centre settings ---------------------------------------------------------------------------------------


@transaction.atomic
def set_assessor_mfa(*, actor, centre: Centre, required: bool) -> Centre:
    """Whether the centre's assessors must use multi-factor authentication (its admins and IQAs always must)."""
    require_centre_admin(actor, centre)
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    if centre.require_mfa_for_assessors == required:
        return centre
    centre.require_mfa_for_assessors = required
    centre.save(update_fields=["require_mfa_for_assessors"])
    record_event(
        action="centre.assessor_mfa_required" if required else "centre.assessor_mfa_optional",
        obj=centre,
        actor=actor,
        centre=centre,
        summary=f"Two-factor authentication {'required' if required else 'no longer required'} for assessors",
        require_mfa_for_assessors=required,
    )
    return centre


# --- Staff -------------------------------------------------------------------------------------------------


@dataclass
class Credential:
    """An assessor's or IQA's award: held (certificate number and date), or being worked towards (date registered
    and the qualified colleague who countersigns meanwhile)."""

    status: str = CompetenceStatus.QUALIFIED
    countersignatory: User | None = None
    award: str = ""
    award_title: str = ""
    certificate_number: str = ""
    awarded_on: dt.date | None = None
    registered_on: dt.date | None = None


def _check_credential(*, centre: Centre, role: str, user: User | None, credential: Credential) -> None:
    if role == Role.CENTRE_ADMIN:
        return
    label = Role(role).label.lower()
    today = timezone.localdate()
    if credential.status == CompetenceStatus.WORKING_TOWARDS:
        signer = credential.countersignatory
        if signer is None:
            raise StaffError(
                "Someone working towards their award needs a qualified colleague to countersign their decisions."
            )
        if user is not None and signer.pk == user.pk:
            raise StaffError("Nobody countersigns their own decisions: choose a qualified colleague.")
        qualified = Membership.objects.active().filter(
            user=signer, centre=centre, role=role, status=CompetenceStatus.QUALIFIED
        )
        if not qualified.exists():
            raise StaffError(f"The countersignatory must be a qualified {label} working at {centre}.")
    elif credential.countersignatory is not None:
        raise StaffError("Only someone working towards their award has a countersignatory.")
    awards = AWARDS_BY_ROLE[role]
    if credential.award not in awards.values:
        raise StaffError(
            f"Choose the {label}'s award (held or being worked towards) from those the specifications name."
        )
    if credential.award in OTHER_AWARDS and not credential.award_title.strip():
        raise StaffError("Give the full name of the other award.")
    if credential.award not in OTHER_AWARDS and credential.award_title.strip():
        raise StaffError("Name an award only when choosing another recognised award.")
    if credential.status == CompetenceStatus.WORKING_TOWARDS:
        if credential.registered_on is None:
            raise StaffError("Give the date they registered on the award they are working towards.")
        if credential.registered_on > today:
            raise StaffError("The date registered on the award cannot be in the future.")
        if credential.certificate_number.strip() or credential.awarded_on is not None:
            raise StaffError(
                "Someone working towards an award has no certificate yet: record it as held when it is awarded."
            )
    else:
        if not credential.certificate_number.strip():
            raise StaffError("Give the certificate number of the award held.")
        if credential.awarded_on is None:
            raise StaffError("Give the date of the award held.")
        if credential.awarded_on > today:
            raise StaffError("The date of the award cannot be in the future.")
        if credential.registered_on is not None:
            raise StaffError("The date registered is only for someone working towards their award.")


def _apply_credential(membership: Membership, credential: Credential) -> None:
    if membership.role == Role.CENTRE_ADMIN:
        credential = Credential()
    membership.status = credential.status
    membership.countersignatory = credential.countersignatory
    membership.award = credential.award
    membership.award_title = credential.award_title.strip()
    membership.certificate_number = credential.certificate_number.strip()
    membership.awarded_on = credential.awarded_on
    membership.registered_on = credential.registered_on


CREDENTIAL_FIELDS = [
    "status",
    "countersignatory",
    "award",
    "award_title",
    "certificate_number",
    "awarded_on",
    "registered_on",
]


def _credential_record(membership: Membership) -> dict:
    """The credential as the audit history stores it (emails and ISO dates)."""
    record = {name: getattr(membership, name) for name in CREDENTIAL_FIELDS}
    record["countersignatory"] = membership.countersignatory.email if membership.countersignatory else None
    for name in ("awarded_on", "registered_on"):
        record[name] = record[name].isoformat() if record[name] else None
    return record


@transaction.atomic
def add_staff_member(
    *, actor, centre: Centre, email: str, full_name: str, role: str, credential: Credential | None = None
) -> Membership:
    """Give a person (new or existing) a role at the centre. A new person is invited to set a password."""
    require_centre_admin(actor, centre)
    credential = credential or Credential()
    email = normalise_email(email)
    if role not in Role.values:
        raise StaffError("Choose a role.")
    user = User.objects.filter(email=email).first()
    _check_credential(centre=centre, role=role, user=user, credential=credential)
    created_user = user is None
    if created_user:
        if not full_name.strip():
            raise StaffError("Give the new staff member's full name.")
        user = User.objects.create_user(email=email, full_name=full_name.strip())
    elif not user.is_active:
        raise StaffError(f"{email}'s account is disabled; ask the site administrator to enable it first.")
    membership = Membership.objects.filter(user=user, centre=centre, role=role).first()
    if membership is not None and membership.is_active:
        raise StaffError(f"{user} is already a {Role(role).label.lower()} at {centre}.")
    if membership is None:
        membership = Membership(user=user, centre=centre, role=role)
    membership.is_active = True
    _apply_credential(membership, credential)
    membership.save()
    record_event(
        action="membership.added",
        obj=membership,
        actor=actor,
        centre=centre,
        summary=f"{user} added as {Role(role).label.lower()}",
        email=user.email,
        role=role,
        **_credential_record(membership),
    )
    if not user.has_usable_password() and not user.invitations.pending().exists():
        invite_user(actor=actor, user=user, centre=centre, kind=Invitation.Kind.STAFF)
    return membership


def _awaiting_countersignature(membership: Membership) -> str:
    """What this trainee decided at the centre that still waits for their countersignatory, in words ("" if
    nothing). Their countersignatory is found through this membership: were it to end, or the person be recorded
    as qualified, that work would wait for nobody and never become final."""
    return " and ".join(answer for answer in hooks.awaiting_countersignature.ask(membership) if answer)


def check_credential_change(*, membership: Membership, role: str, credential: Credential) -> None:
    """May this role (as stored) now hold `role` with `credential`? The award rules, and no one is recorded as
    qualified while decisions of theirs still wait for their countersignatory. The staff pages and the Django
    admin both ask this."""
    _check_credential(centre=membership.centre, role=role, user=membership.user, credential=credential)
    if membership.needs_countersignature and (
        role == Role.CENTRE_ADMIN or credential.status != CompetenceStatus.WORKING_TOWARDS
    ):
        pending = _awaiting_countersignature(membership)
        if pending:
            raise StaffError(
                f"{membership.user} has {pending} awaiting countersignature by {membership.countersignatory}: "
                "have them countersigned first, then record the award."
            )


@transaction.atomic
def update_staff_credential(*, actor, membership: Membership, credential: Credential) -> Membership:
    require_centre_admin(actor, membership.centre)
    if not membership.is_active:
        raise StaffError("This role has ended; add the person again to restore it.")
    check_credential_change(membership=membership, role=membership.role, credential=credential)
    before = _credential_record(membership)
    _apply_credential(membership, credential)
    membership.save(update_fields=CREDENTIAL_FIELDS)
    after = _credential_record(membership)
    changed = {key: {"from": before[key], "to": after[key]} for key in before if before[key] != after[key]}
    record_event(
        action="membership.updated",
        obj=membership,
        actor=actor,
        centre=membership.centre,
        summary=f"{membership.user}'s {membership.get_role_display().lower()} record updated",
        changes=changed,
    )
    return membership


@transaction.atomic
def end_membership(*, actor, membership: Membership, reason: str) -> Membership:
    """End a role at a centre (kept in the records, never deleted). Their learners must be moved first."""
    centre = membership.centre
    require_centre_admin(actor, centre)
    if not membership.is_active:
        raise StaffError("This role has already ended.")
    if not reason.strip():
        raise StaffError("Say why the role ends.")
    if membership.role == Role.ASSESSOR:
        count = hooks.caseloads_at(centre)[(Role.ASSESSOR, membership.user_id)]
        if count:
            raise StaffError(f"{membership.user} still assesses {count} active learner(s): move them first.")
        trainees = Membership.objects.active().filter(
            centre=centre, role=Role.ASSESSOR, countersignatory=membership.user
        )
        if trainees.exists():
            raise StaffError(
                f"{membership.user} countersigns for {', '.join(str(m.user) for m in trainees)}: "
                "choose another countersignatory first."
            )
    if membership.role == Role.IQA:
        count = hooks.caseloads_at(centre)[(Role.IQA, membership.user_id)]
        if count:
            raise StaffError(f"{membership.user} is IQA for {count} active learner(s): change their IQA first.")
        if Membership.objects.active().filter(centre=centre, role=Role.IQA, countersignatory=membership.user).exists():
            raise StaffError(
                f"{membership.user} countersigns for a trainee IQA: choose another countersignatory first."
            )
    if membership.needs_countersignature:
        pending = _awaiting_countersignature(membership)
        if pending:
            raise StaffError(
                f"{membership.user} has {pending} awaiting countersignature by {membership.countersignatory}: "
                "have them countersigned first."
            )
    if membership.role == Role.CENTRE_ADMIN:
        others = Membership.objects.active().filter(centre=centre, role=Role.CENTRE_ADMIN).exclude(pk=membership.pk)
        if not others.exists():
            raise StaffError(f"{centre} needs at least one centre admin.")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record_event(
        action="membership.ended",
        obj=membership,
        actor=actor,
        centre=centre,
        summary=f"{membership.user}'s role as {membership.get_role_display().lower()} ended: {reason.strip()}",
        reason=reason.strip(),
    )
    return membership


@transaction.atomic
def set_account_active(*, actor, user: User, active: bool, reason: str = "") -> User:
    """Disable or enable an account (site administrators only). A disabled user is signed out everywhere at
    once: the authentication backend refuses inactive users on their next request."""
    if not (actor.is_authenticated and actor.is_superuser):
        raise NotAllowed("Only a site administrator may disable or enable accounts.")
    if user.pk == actor.pk and not active:
        raise NotAllowed("You cannot disable your own account.")
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(
        action="account.enabled" if active else "account.disabled",
        obj=user,
        actor=actor,
        summary=f"{user.email} {'enabled' if active else 'disabled'}" + (f": {reason}" if reason else ""),
        reason=reason,
    )
    return user


@transaction.atomic
def declare_personal_interest(*, actor, centre: Centre, staff: User, learner: User, description: str):
    """Record that a staff member has a personal interest in a learner: from now on they may not assess or
    quality-assure that learner. Returns the learner's active registrations where they already do, to move."""
    require_centre_admin(actor, centre)
    if not Membership.objects.active().filter(centre=centre, user=staff).exists():
        raise StaffError(f"{staff} does not work at {centre}.")
    if not User.objects.filter(hooks.learners_at(centre), pk=learner.pk).exists():
        raise StaffError(f"{learner} is not registered at {centre}.")
    if not description.strip():
        raise StaffError("Describe the interest.")
    if PersonalInterest.objects.declared(centre=centre, staff=staff, learner=learner).exists():
        raise StaffError(f"An interest of {staff} in {learner} is already recorded.")
    interest = PersonalInterest.objects.create(
        centre=centre, staff=staff, learner=learner, description=description.strip()
    )
    record_event(
        action="interest.declared",
        obj=interest,
        actor=actor,
        centre=centre,
        summary=f"{staff} declared a personal interest in {learner}",
        staff=staff.email,
        learner=learner.email,
    )
    return [work for answer in hooks.work_with_learner.ask(centre, staff, learner) for work in answer]


# --- CPD ---------------------------------------------------------------------------------------------------

MAX_CPD_HOURS = 200


@transaction.atomic
def add_cpd_entry(
    *, actor, centre: Centre, user: User, date: dt.date | None, activity: str, hours, reflection: str
) -> CpdEntry:
    """Add an entry to a staff member's CPD log: by the person themselves, or by their centre admin."""
    if actor.pk != user.pk:
        require_centre_admin(actor, centre)
    if not Membership.objects.active().filter(centre=centre, user=user).exists():
        raise NotAllowed(f"{user} does not work at {centre}.")
    activity, reflection = activity.strip(), reflection.strip()
    if date is None:
        raise StaffError("Give the date of the activity.")
    if date > timezone.localdate():
        raise StaffError("CPD is recorded once it has happened: the date cannot be in the future.")
    if not activity:
        raise StaffError("Say what the activity was.")
    if hours is None or hours <= 0 or hours > MAX_CPD_HOURS:
        raise StaffError(f"Give the hours spent, more than 0 and at most {MAX_CPD_HOURS}.")
    if not reflection:
        raise StaffError("Reflect on what was learnt and how it will change the way you work.")
    entry = CpdEntry.objects.create(
        centre=centre,
        user=user,
        date=date,
        activity=activity,
        hours=hours,
        reflection=reflection,
        recorded_by=actor,
    )
    record_event(
        action="cpd.added",
        obj=entry,
        actor=actor,
        centre=centre,
        summary=f"CPD recorded for {user}: {activity} ({hours} h on {date:%-d %B %Y})",
        email=user.email,
        date=date.isoformat(),
        activity=activity,
        hours=str(hours),
        reflection=reflection,
    )
    return entry


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def cpd_cutoff(centre: Centre, today: dt.date | None = None) -> dt.date:
    """CPD dated before this day is out of date at the centre (its currency period, 12 months unless set)."""
    return _months_before(today or timezone.localdate(), centre.cpd_currency_months)


def latest_cpd(centre: Centre, user_ids) -> dict[int, dt.date]:
    """Each staff member's latest CPD date at the centre, in one query."""
    rows = (
        CpdEntry.objects.filter(centre=centre, user_id__in=list(user_ids))
        .values("user_id")
        .annotate(latest=models.Max("date"))
        .values_list("user_id", "latest")
    )
    return dict(rows)


def cpd_warning(centre: Centre, latest: dt.date | None, today: dt.date | None = None) -> str:
    """What the staff list and the EQA are told about a staff member's CPD ("" when it is current)."""
    if latest is None:
        return "No CPD recorded."
    if latest < cpd_cutoff(centre, today):
        return f"Latest CPD {latest:%-d %B %Y}: older than the centre's {centre.cpd_currency_months} months."
    return ""
