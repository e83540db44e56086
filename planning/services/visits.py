"""Visits and sessions in the assessor's diary, and each person's secret calendar feed.

An assessor schedules a visit only with learners on their own caseload at a centre where they assess (another
assessor's learner, or another centre's, is refused and nothing is stored). Changes and cancellations are kept
in the audit history; a cancelled visit stays, shown as cancelled."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import access_profile, has_role
from centres.models import Role, record_event
from core.errors import DomainError, NotAllowed
from portfolio.models import Registration

from ..models import CalendarFeed, PlanItem, Visit


class VisitError(DomainError):
    """A visit rule was broken; the message says which."""


class VisitNotAllowed(VisitError, NotAllowed):
    """Only the assessor who scheduled a visit changes or cancels it (a 403)."""


@dataclass
class VisitInput:
    date: dt.date | None
    starts_at: dt.time | None
    ends_at: dt.time | None
    purpose: str = ""
    place: str = ""
    meeting_link: str = ""
    registration_ids: list[int] = field(default_factory=list)
    plan_item_ids: list[int] = field(default_factory=list)


def _name(user) -> str:
    return user.full_name or user.email


def check_scheduler(user) -> None:
    if not has_role(user, Role.ASSESSOR):
        raise VisitNotAllowed(_("Only assessors schedule visits."))


def check_owner(visit: Visit, user) -> None:
    if visit.assessor_id != user.pk or not has_role(user, Role.ASSESSOR, visit.centre_id):
        raise VisitNotAllowed(_("Only the assessor who scheduled this visit can change or cancel it."))


def caseload(user):
    """The active registrations the user assesses at centres where they hold the assessor role."""
    return Registration.objects.filter(
        assessor=user, status=Registration.Status.ACTIVE, centre_id__in=access_profile(user).centre_ids(Role.ASSESSOR)
    )


def _clean(user, data: VisitInput) -> tuple[list[Registration], list[PlanItem]]:
    if data.date is None or data.starts_at is None or data.ends_at is None:
        raise VisitError(_("Give the date, the start time and the end time of the visit."))
    if data.ends_at <= data.starts_at:
        raise VisitError(_("The visit must end after it starts."))
    data.purpose = (data.purpose or "").strip()
    data.place = (data.place or "").strip()
    data.meeting_link = (data.meeting_link or "").strip()
    if not data.purpose:
        raise VisitError(_("Say what the visit is for."))
    if not data.place and not data.meeting_link:
        raise VisitError(_("Give the place of the visit or the link to the remote meeting."))
    if data.meeting_link and not data.meeting_link.startswith("https://"):
        raise VisitError(_("The remote-meeting link must be an https:// address."))
    wanted = set(data.registration_ids)
    if not wanted:
        raise VisitError(_("Choose the learner, or the group of learners, the visit is with."))
    registrations = list(
        Registration.objects.filter(pk__in=wanted).select_related("learner", "centre").order_by("learner__full_name")
    )
    mine = [r for r in registrations if r.assessor_id == user.pk and r.status == Registration.Status.ACTIVE]
    if len(mine) != len(wanted):
        raise VisitError(_("You can only schedule visits with active learners you assess."))
    centre_ids = {r.centre_id for r in mine}
    if len(centre_ids) != 1 or not has_role(user, Role.ASSESSOR, next(iter(centre_ids))):
        raise VisitError(_("A visit is with learners of one centre where you assess."))
    items = []
    if data.plan_item_ids:
        items = list(
            PlanItem.objects.current().filter(
                pk__in=set(data.plan_item_ids), version__plan__registration_id__in=[r.pk for r in mine]
            )
        )
        if len(items) != len(set(data.plan_item_ids)):
            raise VisitError(_("Choose plan activities from the current plans of the learners on the visit."))
    return mine, items


def _summary(visit: Visit) -> dict:
    return {
        "date": visit.date.isoformat(),
        "starts_at": visit.starts_at.strftime("%H:%M"),
        "ends_at": visit.ends_at.strftime("%H:%M"),
        "place": visit.place,
        "remote": bool(visit.meeting_link),
        "purpose": visit.purpose,
    }


@transaction.atomic
def schedule_visit(*, user, data: VisitInput) -> Visit:
    check_scheduler(user)
    registrations, items = _clean(user, data)
    visit = Visit.objects.create(
        centre_id=registrations[0].centre_id,
        assessor=user,
        date=data.date,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=data.place,
        meeting_link=data.meeting_link,
        purpose=data.purpose,
    )
    visit.registrations.set(registrations)
    visit.plan_items.set(items)
    for registration in registrations:
        record_event(
            action="visit_scheduled",
            obj=visit,
            actor=user,
            centre=registrations[0].centre,
            registration_id=registration.pk,
            summary=f"{_name(user)} scheduled a visit on {visit.date:%d/%m/%Y} at {visit.starts_at:%H:%M}",
            **_summary(visit),
        )
    return visit


@transaction.atomic
def change_visit(*, visit: Visit, user, data: VisitInput) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    check_owner(visit, user)
    if visit.is_cancelled:
        raise VisitError(_("This visit was cancelled: schedule a new one instead."))
    before = _summary(visit)
    registrations, items = _clean(user, data)
    if registrations[0].centre_id != visit.centre_id:
        raise VisitError(_("A visit is with learners of one centre where you assess."))
    for name in ("date", "starts_at", "ends_at", "place", "meeting_link", "purpose"):
        setattr(visit, name, getattr(data, name))
    visit.sequence += 1
    visit.updated_at = timezone.now()
    visit.save()
    old_ids = set(visit.registrations.values_list("pk", flat=True))
    visit.registrations.set(registrations)
    visit.plan_items.set(items)
    for registration_id in sorted(old_ids | {r.pk for r in registrations}):
        record_event(
            action="visit_changed",
            obj=visit,
            actor=user,
            centre=registrations[0].centre,
            registration_id=registration_id,
            summary=f"{_name(user)} changed the visit now on {visit.date:%d/%m/%Y} at {visit.starts_at:%H:%M}",
            before=before,
            after=_summary(visit),
        )
    return visit


@transaction.atomic
def cancel_visit(*, visit: Visit, user, reason: str) -> Visit:
    visit = Visit.objects.select_for_update().select_related("centre").get(pk=visit.pk)
    check_owner(visit, user)
    if visit.is_cancelled:
        raise VisitError(_("This visit is already cancelled."))
    reason = (reason or "").strip()
    if not reason:
        raise VisitError(_("Say why the visit is cancelled."))
    visit.cancelled_at = timezone.now()
    visit.cancelled_by = user
    visit.cancel_reason = reason
    visit.sequence += 1
    visit.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "sequence"])
    for registration_id in visit.registrations.values_list("pk", flat=True):
        record_event(
            action="visit_cancelled",
            obj=visit,
            actor=user,
            centre=visit.centre,
            registration_id=registration_id,
            summary=f"{_name(user)} cancelled the visit on {visit.date:%d/%m/%Y}: {reason}",
            reason=reason,
            **_summary(visit),
        )
    return visit


@transaction.atomic
def new_feed(*, user) -> CalendarFeed:
    """Revoke the person's calendar address (if any) and give them a new one."""
    revoke_feed(user=user)
    return CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))


@transaction.atomic
def revoke_feed(*, user) -> int:
    return CalendarFeed.objects.live().filter(user=user).update(revoked_at=timezone.now())
