"""Sampling plans: creating them, keeping each assessor's rate in step with their risk, and overriding a rate."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Centre, Role, record_event
from qualifications.models import Qualification

from ..models import PlanAssessor, SamplingPlan
from .errors import NotAllowed, PlanError
from .plan_data import plan_registrations_scope
from .risk import assessor_rates

MAX_PLAN_DAYS = 366


def require_iqa(actor, centre: Centre) -> None:
    if not has_role(actor, Role.IQA, centre):
        raise NotAllowed(_("Only an IQA at %(centre)s may do this.") % {"centre": centre})


def plan_assessor_ids(plan: SamplingPlan) -> list[int]:
    """The assessors of the plan's learners, with any already holding a rate in it."""
    ids = set(plan_registrations_scope(plan).values_list("assessor_id", flat=True))
    ids.update(PlanAssessor.objects.filter(plan=plan).values_list("assessor_id", flat=True))
    return sorted(ids)


@transaction.atomic
def create_plan(
    *,
    actor,
    centre: Centre,
    qualification: Qualification,
    period_start: dt.date,
    period_end: dt.date,
    notes: str = "",
    locations: str = "",
) -> SamplingPlan:
    """Start the actor's sampling plan for a qualification and period, with each assessor's rate from their risk."""
    require_iqa(actor, centre)
    if period_end < period_start:
        raise PlanError(_("The period must end on or after the day it starts."))
    if (period_end - period_start).days > MAX_PLAN_DAYS:
        raise PlanError(_("A plan covers at most a year; start a new plan for the next period."))
    overlapping = SamplingPlan.objects.filter(
        centre=centre,
        qualification=qualification,
        iqa=actor,
        period_start__lte=period_end,
        period_end__gte=period_start,
    ).first()
    if overlapping is not None:
        raise PlanError(
            _("You already have a plan for this qualification that overlaps this period: %(overlapping)s.")
            % {"overlapping": overlapping}
        )
    listed = "\n".join(dict.fromkeys(line.strip() for line in locations.splitlines() if line.strip()))
    try:
        with transaction.atomic():
            plan = SamplingPlan.objects.create(
                centre=centre,
                qualification=qualification,
                iqa=actor,
                period_start=period_start,
                period_end=period_end,
                notes=notes.strip(),
                locations=listed,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise PlanError(_("You already have a plan for this qualification starting on that day.")) from exc
    record_event(
        action="sampling_plan_created",
        obj=plan,
        actor=actor,
        centre=centre,
        summary=f"Sampling plan for {qualification.number} from {period_start} to {period_end}",
        qualification=qualification.number,
        period_start=period_start.isoformat(),
        period_end=period_end.isoformat(),
    )
    refresh_rates(plan=plan, actor=actor)
    return plan


@transaction.atomic
def refresh_rates(*, plan: SamplingPlan, actor) -> list[str]:
    """Bring every assessor's stored rate in the plan up to date with their risk. Returns what changed, in words."""
    require_iqa(actor, plan.centre)
    assessor_ids = plan_assessor_ids(plan)
    rates = assessor_rates(plan, assessor_ids)
    stored = {row.assessor_id: row for row in PlanAssessor.objects.select_for_update().filter(plan=plan)}
    changes = []
    for assessor_id, rate in rates.items():
        row = stored.get(assessor_id)
        if row is None:
            row = PlanAssessor.objects.create(
                plan=plan, assessor_id=assessor_id, rate_percent=rate.rate_percent, risk=rate.risk, reason=rate.reason
            )
            changes.append(f"{row.assessor}: {rate.rate_percent}%")
            record_event(
                action="sampling_rate_set",
                obj=row,
                actor=actor,
                centre=plan.centre,
                summary=f"Sampling rate for {row.assessor} set to {rate.rate_percent}%: {rate.reason}",
                plan_id=plan.pk,
                assessor_id=assessor_id,
                rate_percent=rate.rate_percent,
                risk=rate.risk,
            )
            continue
        if row.overridden or (row.rate_percent, row.risk, row.reason) == (rate.rate_percent, rate.risk, rate.reason):
            continue
        before = row.rate_percent
        row.rate_percent, row.risk, row.reason = rate.rate_percent, rate.risk, rate.reason
        row.updated_at = timezone.now()
        row.save(update_fields=["rate_percent", "risk", "reason", "updated_at"])
        if before != rate.rate_percent:
            changes.append(f"{row.assessor}: {before}% → {rate.rate_percent}%")
        record_event(
            action="sampling_rate_changed",
            obj=row,
            actor=actor,
            centre=plan.centre,
            summary=f"Sampling rate for {row.assessor} now {rate.rate_percent}% (was {before}%): {rate.reason}",
            plan_id=plan.pk,
            assessor_id=assessor_id,
            rate_before=before,
            rate_percent=rate.rate_percent,
            risk=rate.risk,
        )
    return changes


@transaction.atomic
def override_rate(*, actor, plan: SamplingPlan, assessor_id: int, rate_percent: int | None, reason: str = "") -> None:
    """Set an assessor's rate by hand (with a reason), or with `rate_percent=None` go back to the computed rate."""
    require_iqa(actor, plan.centre)
    if assessor_id not in plan_assessor_ids(plan):
        raise PlanError(_("That assessor has no learners in this plan."))
    row = PlanAssessor.objects.select_for_update().filter(plan=plan, assessor_id=assessor_id).first()
    if rate_percent is None:
        if row is None or not row.overridden:
            raise PlanError(_("This rate is already the computed one."))
        row.overridden, row.override_reason, row.updated_at = False, "", timezone.now()
        row.save(update_fields=["overridden", "override_reason", "updated_at"])
        record_event(
            action="sampling_rate_override_cleared",
            obj=row,
            actor=actor,
            centre=plan.centre,
            summary=f"Sampling rate for {row.assessor} follows their risk again",
            plan_id=plan.pk,
            assessor_id=assessor_id,
        )
        refresh_rates(plan=plan, actor=actor)
        return
    if not 0 < rate_percent <= 100:
        raise PlanError(_("A sampling rate is between 1% and 100%."))
    reason = reason.strip()
    if not reason:
        raise PlanError(_("Say why you are setting this rate by hand."))
    if row is None:
        refresh_rates(plan=plan, actor=actor)
        row = PlanAssessor.objects.select_for_update().get(plan=plan, assessor_id=assessor_id)
    before = row.rate_percent
    row.rate_percent, row.overridden, row.override_reason = rate_percent, True, reason
    row.updated_at = timezone.now()
    row.save(update_fields=["rate_percent", "overridden", "override_reason", "updated_at"])
    record_event(
        action="sampling_rate_overridden",
        obj=row,
        actor=actor,
        centre=plan.centre,
        summary=f"Sampling rate for {row.assessor} set by hand to {rate_percent}% (was {before}%): {reason}",
        plan_id=plan.pk,
        assessor_id=assessor_id,
        rate_before=before,
        rate_percent=rate_percent,
    )
