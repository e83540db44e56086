"""Reads the apprenticeship pages share, each in a fixed number of queries: the OTJ summary (planned against
actual, the projection, the flags), the state of reviews, and what an employer contact may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Apprenticeship, BreakInLearning, CentreApprenticeshipSettings, OtjEntry, ProgressReview

DUE_SOON_DAYS = 14
ZERO = Decimal("0")


def otj_actual_hours(apprenticeship: Apprenticeship) -> Decimal:
    return apprenticeship.otj_entries.aggregate(total=Sum("hours"))["total"] or ZERO


def _days_in_breaks(breaks, start: dt.date, end: dt.date) -> int:
    """Days from start to end (inclusive) that fall inside a break (an open break runs to `end`)."""
    days = 0
    for period in breaks:
        first = max(start, period.starts_on)
        last = min(end, period.ends_on or end)
        if last >= first:
            days += (last - first).days + 1
    return days


def _active_days(apprenticeship, breaks, until: dt.date) -> int:
    start, end = apprenticeship.planned_start, min(until, apprenticeship.planned_end)
    if end < start:
        return 0
    return (end - start).days + 1 - _days_in_breaks(breaks, start, end)


def _months(start: dt.date, end: dt.date):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


@dataclass
class OtjSummary:
    target: Decimal
    actual: Decimal
    verified: Decimal
    expected_by_now: Decimal
    projected_at_end: Decimal
    margin_percent: int
    in_break: bool
    months_without_learning: list[dt.date] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        """Actual behind the plan to date by more than the centre's margin (never during a break)."""
        if self.in_break or self.expected_by_now <= 0:
            return False
        return self.actual < self.expected_by_now * (100 - self.margin_percent) / 100

    @property
    def percent_of_target(self) -> int:
        return int(self.actual * 100 / self.target) if self.target else 0


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def otj_summary(
    apprenticeship: Apprenticeship,
    *,
    entries: list[OtjEntry],
    breaks: list[BreakInLearning],
    margin_percent: int,
    today: dt.date | None = None,
) -> OtjSummary:
    """Planned against actual, from entries and breaks already read (no query here)."""
    today = today or timezone.localdate()
    target = apprenticeship.otj_target_hours
    actual = sum((entry.hours for entry in entries), ZERO)
    verified = sum((entry.hours for entry in entries if entry.verified_at), ZERO)
    total_days = _active_days(apprenticeship, breaks, apprenticeship.planned_end)
    elapsed = _active_days(apprenticeship, breaks, today)
    expected = target * elapsed / total_days if total_days else ZERO
    projected = actual * total_days / elapsed if elapsed else ZERO
    in_break = any(period.covers(today) for period in breaks)
    learning_months = {entry.date.replace(day=1) for entry in entries}
    quiet = []
    last_full_month_end = today.replace(day=1) - dt.timedelta(days=1)
    for month in _months(apprenticeship.planned_start, min(last_full_month_end, apprenticeship.planned_end)):
        start, end = max(month, apprenticeship.planned_start), min(_month_end(month), apprenticeship.planned_end)
        if month in learning_months:
            continue
        if _days_in_breaks(breaks, start, end) >= (end - start).days + 1:
            continue  # a month wholly in a break expects no learning
        quiet.append(month)
    return OtjSummary(
        target=target,
        actual=actual,
        verified=verified,
        expected_by_now=_round(Decimal(expected)),
        projected_at_end=_round(Decimal(projected)),
        margin_percent=margin_percent,
        in_break=in_break,
        months_without_learning=quiet,
    )


def margin_for(centre_id: int) -> int:
    found = CentreApprenticeshipSettings.objects.filter(centre_id=centre_id).values_list(
        "otj_behind_margin_percent", flat=True
    )
    return next(iter(found), CentreApprenticeshipSettings._meta.get_field("otj_behind_margin_percent").default)


def review_state(review: ProgressReview, today: dt.date, *, paused: bool = False) -> str:
    if review.completed_at is not None:
        return "complete"
    if paused:
        return "paused"
    if review.due_on < today:
        return "overdue"
    if review.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due"
    return "scheduled"


def _in_break_today(today: dt.date):
    return Exists(
        BreakInLearning.objects.filter(apprenticeship=OuterRef("apprenticeship"), starts_on__lte=today).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)
        )
    )


def due_soon_by(today: dt.date) -> dt.date:
    """The last day a review may be due on and count as due soon."""
    return today + dt.timedelta(days=DUE_SOON_DAYS)


def reviews_due(
    registrations: QuerySet, today: dt.date | None = None, *, due_by: dt.date | None = None
) -> QuerySet[ProgressReview]:
    """Reviews not yet signed by all three that are due within DUE_SOON_DAYS or overdue, of the registrations,
    leaving out apprentices on a break in learning today. `due_by` is `due_soon_by(today)`, given by a caller
    whose SQL is built once (core.compiled), where the builder may compute nothing from the day it is given."""
    today = today or timezone.localdate()
    return (
        ProgressReview.objects.filter(
            completed_at__isnull=True,
            due_on__lte=due_by or due_soon_by(today),
            apprenticeship__registration__in=registrations,
            apprenticeship__registration__status="active",
        )
        .exclude(_in_break_today(today))
        .select_related("apprenticeship__registration__learner")
        .order_by("due_on", "id")
    )


def with_otj_hours(apprenticeships: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    """Each apprenticeship with `otj_actual` (and `otj_verified`), summed in the same query."""
    hours = DecimalField(max_digits=8, decimal_places=1)

    def total(**filters):
        return Coalesce(
            Subquery(
                OtjEntry.objects.filter(apprenticeship=OuterRef("pk"), **filters)
                .order_by()
                .values("apprenticeship")
                .annotate(total=Sum("hours"))
                .values("total")[:1],
                output_field=hours,
            ),
            Value(ZERO, output_field=hours),
        )

    return apprenticeships.annotate(otj_actual=total(), otj_verified=total(verified_at__isnull=False))


def employer_apprenticeships(user) -> QuerySet[Apprenticeship]:
    """The apprenticeships an employer contact may see: their employers' (active contact, active account)."""
    if not user.is_authenticated or not user.is_active:
        return Apprenticeship.objects.none()
    return Apprenticeship.objects.filter(
        employer__contacts__user=user, employer__contacts__is_active=True
    ).select_related("registration__learner", "registration__centre", "registration__qualification", "employer")


def is_employer_contact(user) -> bool:
    return user.is_authenticated and user.employer_contacts.filter(is_active=True).exists()


@dataclass
class KsbRow:
    reference: str  # the standard's K/S/B reference, as the specification prints it (K1, S9, B17)
    kind: str
    text: str
    unit: str
    criteria: int = 0
    met: int = 0
    otj_hours: Decimal = ZERO

    @property
    def covered(self) -> bool:
        return self.criteria > 0 and self.met == self.criteria


def ksb_coverage(apprenticeship: Apprenticeship) -> list[KsbRow]:
    """For a qualification whose criteria carry the standard's K/S/B references (603/4687/5: each learning outcome is
    numbered K1, S9, B17 and its criteria have a kind), each KSB with its criteria met on the learner's pathway and
    the OTJ hours recorded against its criteria. Three queries, whatever the size. Empty for other qualifications."""
    from portfolio.models import CriterionDecision
    from qualifications.models import AssessmentCriterion

    registration = apprenticeship.registration
    criteria = list(
        AssessmentCriterion.objects.filter(unit__registrations=registration, kind__in=["K", "S", "B"])
        .for_pathway(registration.pathway)
        .select_related("learning_outcome", "unit")
        .order_by("unit__reference", "learning_outcome__order", "order")
    )
    met = set(
        CriterionDecision.objects.filter(registration=registration, is_met=True).values_list("criterion_id", flat=True)
    )
    hours: dict[int, Decimal] = {}
    for criterion_id, entry_hours in OtjEntry.criteria.through.objects.filter(
        otjentry__apprenticeship=apprenticeship
    ).values_list("assessmentcriterion_id", "otjentry__hours"):
        hours[criterion_id] = hours.get(criterion_id, ZERO) + entry_hours
    rows: dict[int, KsbRow] = {}
    for criterion in criteria:
        outcome = criterion.learning_outcome
        row = rows.get(outcome.pk)
        if row is None:
            row = rows[outcome.pk] = KsbRow(
                reference=outcome.number, kind=criterion.kind, text=outcome.text, unit=criterion.unit.reference
            )
        row.criteria += 1
        row.met += criterion.pk in met
        row.otj_hours += hours.get(criterion.pk, ZERO)
    order = {"K": 0, "S": 1, "B": 2}
    return sorted(
        rows.values(), key=lambda row: (order[row.kind], int("".join(filter(str.isdigit, row.reference)) or 0))
    )
