"""Staff CPD logs: entries added, and whether a staff member's CPD is current at the centre."""

import calendar
import datetime as dt

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import Centre, CpdEntry, Membership, User, record_event

from ._common import require_centre_admin
from .errors import NotAllowed, StaffError

MAX_CPD_HOURS = 200


@transaction.atomic
def add_cpd_entry(
    *, actor, centre: Centre, user: User, date: dt.date | None, activity: str, hours, reflection: str
) -> CpdEntry:
    """Add an entry to a staff member's CPD log: by the person themselves, or by their centre admin."""
    if actor.pk != user.pk:
        require_centre_admin(actor, centre)
    if not Membership.objects.active().filter(centre=centre, user=user).exists():
        raise NotAllowed(_("%(user)s does not work at %(centre)s.") % {"user": user, "centre": centre})
    activity, reflection = activity.strip(), reflection.strip()
    if date is None:
        raise StaffError(_("Give the date of the activity."))
    if date > timezone.localdate():
        raise StaffError(_("CPD is recorded once it has happened: the date cannot be in the future."))
    if not activity:
        raise StaffError(_("Say what the activity was."))
    if hours is None or hours <= 0 or hours > MAX_CPD_HOURS:
        raise StaffError(
            _("Give the hours spent, more than 0 and at most %(MAX_CPD_HOURS)s.") % {"MAX_CPD_HOURS": MAX_CPD_HOURS}
        )
    if not reflection:
        raise StaffError(_("Reflect on what was learnt and how it will change the way you work."))
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
