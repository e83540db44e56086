"""Recording and verifying off-the-job training. Whether an entry counts is decided in apprenticeships/otj.py;
a refused entry stores nothing but the refusal in the audit history (so the reason can be shown later)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres.models import record_event
from ledger.services import record as record_in_ledger
from portfolio.models import Evidence
from qualifications.models import AssessmentCriterion

from .. import otj
from ..models import Apprenticeship, OtjEntry
from . import ApprenticeshipError, can_record_otj, is_provider, require, require_active


class OtjRefused(ApprenticeshipError):
    pass


def _hours_that_day(apprenticeship: Apprenticeship, day: dt.date) -> Decimal:
    total = apprenticeship.otj_entries.filter(date=day).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def record_otj_entry(
    *,
    actor,
    apprenticeship: Apprenticeship,
    date: dt.date,
    hours: Decimal,
    activity_type: str,
    description: str,
    new_learning: bool,
    relevant_to_standard: bool,
    within_paid_hours: bool,
    criteria=(),
    evidence: Evidence | None = None,
) -> OtjEntry:
    registration = apprenticeship.registration
    require(can_record_otj(actor, registration), _("Only the learner, their assessor or a centre admin record OTJ."))
    require_active(registration)
    description = (description or "").strip()
    if not description:
        raise ApprenticeshipError(_("Describe what was learnt."))
    if date is None:
        raise ApprenticeshipError(_("Give the date of the training."))
    criteria = list(criteria)
    if any(criterion.unit_id not in set(registration.units.values_list("id", flat=True)) for criterion in criteria):
        raise ApprenticeshipError(_("Choose criteria from the learner's own units."))
    if evidence is not None and evidence.registration_id != registration.pk:
        raise ApprenticeshipError(_("Choose evidence from the learner's own portfolio."))
    proposed = otj.ProposedEntry(
        date=date,
        hours=hours,
        activity_type=activity_type,
        new_learning=new_learning,
        relevant_to_standard=relevant_to_standard,
        within_paid_hours=within_paid_hours,
    )
    with transaction.atomic():
        # Entries of one apprentice are recorded one at a time, so that two at once cannot pass 24 hours a day.
        Apprenticeship.objects.select_for_update().filter(pk=apprenticeship.pk).first()
        rules = {
            "planned_start": apprenticeship.planned_start,
            "planned_end": apprenticeship.planned_end,
            "today": timezone.localdate(),
            "breaks": [otj.Period(b.starts_on, b.ends_on) for b in apprenticeship.breaks.all()],
            "hours_already_that_day": _hours_that_day(apprenticeship, date),
        }
        reason = otj.refusal(proposed, **rules)
        if reason is None:
            entry = OtjEntry.objects.create(
                apprenticeship=apprenticeship,
                date=date,
                hours=hours,
                activity_type=activity_type,
                description=description[:5000],
                evidence=evidence,
                recorded_by=actor,
            )
            entry.criteria.set(criteria)
            record_event(
                action="apprenticeship.otj_recorded",
                obj=entry,
                actor=actor,
                centre=registration.centre,
                registration_id=registration.pk,
                summary=f"{hours} h of off-the-job training on {date:%d/%m/%Y} recorded",
                hours=str(hours),
                date=date.isoformat(),
            )
            record_in_ledger("otj_entry", entry)
            return entry
    # Nothing is stored but the refusal, in the audit history: the OTJ page lists recent refusals with the reason.
    with translation.override("en"):  # the audit history stays in English
        summary = otj.refusal(proposed, **rules)
    record_event(
        action="apprenticeship.otj_refused",
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=summary,
        hours=str(hours),
        date=date.isoformat(),
        activity_type=activity_type,
        description=description[:300],
    )
    raise OtjRefused(reason)


@transaction.atomic
def verify_otj_entry(*, actor, entry: OtjEntry) -> OtjEntry:
    entry = OtjEntry.objects.select_for_update().select_related("apprenticeship__registration").get(pk=entry.pk)
    registration = entry.apprenticeship.registration
    require(is_provider(actor, registration), _("Only the learner's assessor or a centre admin verify OTJ entries."))
    if entry.verified_at is not None:
        raise ApprenticeshipError(_("This entry has already been verified."))
    entry.verified_by = actor
    entry.verified_at = timezone.now()
    entry.save(update_fields=["verified_by", "verified_at"])
    record_event(
        action="apprenticeship.otj_verified",
        obj=entry,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Verified {entry.hours} h of off-the-job training on {entry.date:%d/%m/%Y}",
    )
    record_in_ledger("otj_verified", entry)
    return entry


def criteria_choices(registration):
    """The criteria of the learner's units, for the OTJ form (KSB-referenced ones show their LO number)."""
    return (
        AssessmentCriterion.objects.filter(unit__in=registration.units.all())
        .for_pathway(registration.pathway)
        .select_related("unit", "learning_outcome")
        .order_by("unit__reference", "order")
    )
