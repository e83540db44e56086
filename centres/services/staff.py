"""Staff at a centre: roles added and ended, and the award each assessor or IQA holds or works towards
(with the colleague who countersigns meanwhile)."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres import hooks
from centres.models import (
    AWARDS_BY_ROLE,
    OTHER_AWARDS,
    Centre,
    CompetenceStatus,
    Invitation,
    Membership,
    Role,
    User,
    record_event,
)

from ._common import normalise_email, require_centre_admin
from .errors import StaffError
from .invitations import invite_user


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
                _("Someone working towards their award needs a qualified colleague to countersign their decisions.")
            )
        if user is not None and signer.pk == user.pk:
            raise StaffError(_("Nobody countersigns their own decisions: choose a qualified colleague."))
        qualified = Membership.objects.active().filter(
            user=signer, centre=centre, role=role, status=CompetenceStatus.QUALIFIED
        )
        if not qualified.exists():
            raise StaffError(
                _("The countersignatory must be a qualified %(label)s working at %(centre)s.")
                % {"label": label, "centre": centre}
            )
    elif credential.countersignatory is not None:
        raise StaffError(_("Only someone working towards their award has a countersignatory."))
    awards = AWARDS_BY_ROLE[role]
    if credential.award not in awards.values:
        raise StaffError(
            _("Choose the %(label)s's award (held or being worked towards) from those the specifications name.")
            % {"label": label}
        )
    if credential.award in OTHER_AWARDS and not credential.award_title.strip():
        raise StaffError(_("Give the full name of the other award."))
    if credential.award not in OTHER_AWARDS and credential.award_title.strip():
        raise StaffError(_("Name an award only when choosing another recognised award."))
    if credential.status == CompetenceStatus.WORKING_TOWARDS:
        if credential.registered_on is None:
            raise StaffError(_("Give the date they registered on the award they are working towards."))
        if credential.registered_on > today:
            raise StaffError(_("The date registered on the award cannot be in the future."))
        if credential.certificate_number.strip() or credential.awarded_on is not None:
            raise StaffError(
                _("Someone working towards an award has no certificate yet: record it as held when it is awarded.")
            )
    else:
        if not credential.certificate_number.strip():
            raise StaffError(_("Give the certificate number of the award held."))
        if credential.awarded_on is None:
            raise StaffError(_("Give the date of the award held."))
        if credential.awarded_on > today:
            raise StaffError(_("The date of the award cannot be in the future."))
        if credential.registered_on is not None:
            raise StaffError(_("The date registered is only for someone working towards their award."))


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
        raise StaffError(_("Choose a role."))
    user = User.objects.filter(email=email).first()
    _check_credential(centre=centre, role=role, user=user, credential=credential)
    created_user = user is None
    if created_user:
        if not full_name.strip():
            raise StaffError(_("Give the new staff member's full name."))
        user = User.objects.create_user(email=email, full_name=full_name.strip())
    elif not user.is_active:
        raise StaffError(
            _("%(email)s's account is disabled; ask the site administrator to enable it first.") % {"email": email}
        )
    membership = Membership.objects.filter(user=user, centre=centre, role=role).first()
    if membership is not None and membership.is_active:
        raise StaffError(
            _("%(user)s is already a %(lower)s at %(centre)s.")
            % {"user": user, "lower": Role(role).label.lower(), "centre": centre}
        )
    if membership is None:
        membership = Membership(user=user, centre=centre, role=role)
    membership.is_active = True
    _apply_credential(membership, credential)
    membership.save()
    with translation.override("en"):  # the audit history stays in English
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
                _(
                    "%(user)s has %(pending)s awaiting countersignature by "
                    "%(countersignatory)s: have them countersigned first, then record the "
                    "award."
                )
                % {"user": membership.user, "pending": pending, "countersignatory": membership.countersignatory}
            )


@transaction.atomic
def update_staff_credential(*, actor, membership: Membership, credential: Credential) -> Membership:
    require_centre_admin(actor, membership.centre)
    if not membership.is_active:
        raise StaffError(_("This role has ended; add the person again to restore it."))
    check_credential_change(membership=membership, role=membership.role, credential=credential)
    before = _credential_record(membership)
    _apply_credential(membership, credential)
    membership.save(update_fields=CREDENTIAL_FIELDS)
    after = _credential_record(membership)
    changed = {key: {"from": before[key], "to": after[key]} for key in before if before[key] != after[key]}
    with translation.override("en"):  # the audit history stays in English
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
        raise StaffError(_("This role has already ended."))
    if not reason.strip():
        raise StaffError(_("Say why the role ends."))
    if membership.role == Role.ASSESSOR:
        count = hooks.caseloads_at(centre)[(Role.ASSESSOR, membership.user_id)]
        if count:
            raise StaffError(
                _("%(user)s still assesses %(count)s active learner(s): move them first.")
                % {"user": membership.user, "count": count}
            )
        trainees = Membership.objects.active().filter(
            centre=centre, role=Role.ASSESSOR, countersignatory=membership.user
        )
        if trainees.exists():
            raise StaffError(
                _("%(user)s countersigns for %(join)s: choose another countersignatory first.")
                % {"user": membership.user, "join": ", ".join(str(m.user) for m in trainees)}
            )
    if membership.role == Role.IQA:
        count = hooks.caseloads_at(centre)[(Role.IQA, membership.user_id)]
        if count:
            raise StaffError(
                _("%(user)s is IQA for %(count)s active learner(s): change their IQA first.")
                % {"user": membership.user, "count": count}
            )
        if Membership.objects.active().filter(centre=centre, role=Role.IQA, countersignatory=membership.user).exists():
            raise StaffError(
                _("%(user)s countersigns for a trainee IQA: choose another countersignatory first.")
                % {"user": membership.user}
            )
    if membership.needs_countersignature:
        pending = _awaiting_countersignature(membership)
        if pending:
            raise StaffError(
                _(
                    "%(user)s has %(pending)s awaiting countersignature by "
                    "%(countersignatory)s: have them countersigned first."
                )
                % {"user": membership.user, "pending": pending, "countersignatory": membership.countersignatory}
            )
    if membership.role == Role.CENTRE_ADMIN:
        others = Membership.objects.active().filter(centre=centre, role=Role.CENTRE_ADMIN).exclude(pk=membership.pk)
        if not others.exists():
            raise StaffError(_("%(centre)s needs at least one centre admin.") % {"centre": centre})
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    with translation.override("en"):  # the audit history stays in English
        record_event(
            action="membership.ended",
            obj=membership,
            actor=actor,
            centre=centre,
            summary=f"{membership.user}'s role as {membership.get_role_display().lower()} ended: {reason.strip()}",
            reason=reason.strip(),
        )
    return membership
