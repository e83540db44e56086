"""Read side of plans and visits, each in a fixed number of queries whatever the number of learners and items.

A plan item is done when every criterion it targets has counting evidence (an accepted link on the current version
of submitted evidence: portfolio's EvidenceLink.objects.counting()) in the learner's portfolio; it is computed,
never stored, by `PlanItem.objects.with_coverage()`."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from centres.access import access_profile
from core.compiled import CompiledRead
from portfolio.access import portfolios_for
from portfolio.models import Registration
from qualifications.models import AssessmentCriterion

from .models import AssessmentPlan, PlanItem, PlanVersion, Visit


def plans_for(user):
    """Plans the user may read: those of the portfolios they may open (learner, assessor, the centre's IQA and
    admin); anything else is a 404."""
    return AssessmentPlan.objects.filter(registration__in=portfolios_for(user).values("pk"))


def get_plan_for(user, pk) -> AssessmentPlan:
    return get_object_or_404(
        plans_for(user).select_related(
            "registration__learner", "registration__assessor", "registration__centre", "registration__qualification"
        ),
        pk=pk,
    )


@dataclass
class ItemRow:
    """An item read `with_coverage()`, with its criteria (by unit) and methods."""

    item: PlanItem
    criteria: list = field(default_factory=list)
    methods: list = field(default_factory=list)

    @property
    def covered(self) -> int:
        return self.item.covered_count

    @property
    def done(self) -> bool:
        return self.item.done

    @property
    def overdue(self) -> bool:
        return self.item.overdue


def _items_query():
    # The criteria with their units in one query (a join), not a query for each level.
    criteria = Prefetch("criteria", queryset=AssessmentCriterion.objects.select_related("unit"))
    return (
        PlanItem.objects.with_coverage()
        .select_related("version__plan__registration__learner")
        .prefetch_related(criteria, "methods")
    )


def item_rows(items: list[PlanItem]) -> list[ItemRow]:
    """Rows for items already fetched `with_coverage()` and with their criteria and methods."""
    rows = []
    for item in items:
        criteria = sorted(item.criteria.all(), key=lambda c: (c.unit.reference, c.pk))
        rows.append(ItemRow(item, criteria, list(item.methods.all())))
    return rows


@dataclass
class VersionPage:
    plan: AssessmentPlan
    version: PlanVersion
    versions: list[PlanVersion]
    rows: list[ItemRow]
    signatures: list


def version_page(plan: AssessmentPlan, number: int | None = None) -> VersionPage:
    versions = list(plan.versions.order_by("number").prefetch_related("signatures"))
    if not versions:
        raise PlanVersion.DoesNotExist
    if number is None:
        version = next((v for v in versions if v.is_current), versions[-1])
    else:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise PlanVersion.DoesNotExist
    version.plan = plan
    items = list(_items_query().filter(version=version).order_by("position"))
    for item in items:
        item.version = version
    return VersionPage(plan, version, versions, item_rows(items), list(version.signatures.all()))


def _overdue_items_query(whose: str, limit: int, *, person_id: int, today):
    # Filtered in one query, not through `pk__in` a subquery of the same items: PostgreSQL answers that by joining
    # every plan item of the centre before the semi-join (150 ms at 10,000 learners, against under 1 ms).
    items = (
        PlanItem.objects.current()
        .with_coverage()
        .filter(due_on__lt=today)
        .select_related("version__plan__registration__learner")
    )
    if whose == "learner":
        items = items.filter(version__plan__registration__learner_id=person_id)
    else:
        items = items.filter(version__plan__registration__assessor_id=person_id)
    # Done items are dropped by the caller, not in SQL: as a filter PostgreSQL counts the coverage of every overdue
    # item of the centre before it keeps the assessor's (1.5 s at 10,000 learners); read with the rows, it counts
    # only theirs. Fetch a margin beyond the limit for the done ones.
    return items.order_by("due_on", "pk")[: limit * 5]


_overdue_items = CompiledRead(_overdue_items_query)


def overdue_items(*, learner=None, assessor=None, limit: int = 10) -> list[PlanItem]:
    """Overdue, not yet done, items of the current plans of the learner's (or the assessor's learners') active
    registrations, oldest first, each with its registration and learner: one query at any size (whether each is
    done is read with it, `with_coverage()`)."""
    if learner is not None:
        fetched = _overdue_items("learner", limit, person_id=learner.pk, today=timezone.localdate())
    else:
        fetched = _overdue_items("assessor", limit, person_id=assessor.pk, today=timezone.localdate())
    return [item for item in fetched if item.overdue][:limit]


def visits_for(user):
    """Visits the user may open: those they scheduled, those of their own registrations, and, as centre staff,
    their centres' (the view refuses with 403 those who are neither the assessor nor a learner on it)."""
    if not user.is_authenticated or not user.is_active:
        return Visit.objects.none()
    scope = Q(assessor=user) | Q(registrations__learner=user)
    centres = access_profile(user).centre_ids()
    if centres:
        scope |= Q(centre_id__in=centres)
    return Visit.objects.filter(pk__in=Visit.objects.filter(scope).values("pk"))


def with_people():
    return Prefetch(
        "registrations", queryset=Registration.objects.select_related("learner").order_by("learner__full_name")
    )


def upcoming_visits_of_learner(user, limit: int = 5, *, after: dt.date | None = None) -> list[Visit]:
    """The learner's next visits: from today, or only those after the day `after`."""
    if after is not None:
        return _visits_of_learner("after", limit, learner_id=user.pk, day=after)
    return _visits_of_learner("from", limit, learner_id=user.pk, day=timezone.localdate())


_visits_of_learner = CompiledRead(
    lambda which, limit, learner_id, day: (
        Visit.objects.filter(
            registrations__learner_id=learner_id, **({"date__gt": day} if which == "after" else {"date__gte": day})
        )
        .select_related("assessor")
        .order_by("date", "starts_at", "pk")
        .distinct()[:limit]
    )
)


@dataclass
class Day:
    date: dt.date
    in_month: bool
    visits: list[Visit]

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()


@dataclass
class CalendarPage:
    view: str
    anchor: dt.date
    start: dt.date
    end: dt.date  # inclusive
    days: list[Day]
    previous: dt.date
    next: dt.date

    @property
    def weeks(self) -> list[list[Day]]:
        return [self.days[i : i + 7] for i in range(0, len(self.days), 7)]


def calendar_page(user, view: str, anchor: dt.date) -> CalendarPage:
    """The assessor's visits for the week (Monday to Sunday) or the month (whole weeks) around `anchor`: two
    queries (the visits, their learners) whatever the caseload."""
    if view == "month":
        first = anchor.replace(day=1)
        last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
        start = first - dt.timedelta(days=first.weekday())
        end = last + dt.timedelta(days=6 - last.weekday())
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = last + dt.timedelta(days=1)
    else:
        view = "week"
        start = anchor - dt.timedelta(days=anchor.weekday())
        end = start + dt.timedelta(days=6)
        previous, following = start - dt.timedelta(days=7), start + dt.timedelta(days=7)
    visits = (
        Visit.objects.filter(assessor=user, date__gte=start, date__lte=end)
        .prefetch_related(with_people())
        .order_by("date", "starts_at", "pk")
    )
    by_day: dict[dt.date, list[Visit]] = defaultdict(list)
    for visit in visits:
        by_day[visit.date].append(visit)
    days = []
    day = start
    while day <= end:
        days.append(Day(day, view == "week" or day.month == anchor.month, by_day.get(day, [])))
        day += dt.timedelta(days=1)
    return CalendarPage(view, anchor, start, end, days, previous, following)


def feed_visits(user, *, since_days: int = 90) -> list[Visit]:
    """The visits on the person's calendar feed: those they scheduled and those they are a learner on, from
    `since_days` ago onwards. Two queries."""
    since = timezone.localdate() - dt.timedelta(days=since_days)
    ids = Visit.objects.filter(Q(assessor=user) | Q(registrations__learner=user), date__gte=since).values("pk")
    return list(
        Visit.objects.filter(pk__in=ids).select_related("assessor").prefetch_related(with_people()).order_by("date")
    )
