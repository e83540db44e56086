"""After judging closes: the agreed outcome per criterion and the minutes, actions for the assessors who took part,
and closing the record, which is then frozen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres.models import User

from ...models import AgreedOutcome, StandardisationAction, StandardisationActivity
from .activity import StandardisationError, activity_event, locked_activity, require_review
from .eligibility import require_qualification_iqa


@dataclass(frozen=True)
class OutcomeInput:
    outcome: str  # an AgreedOutcome value, or "" for not yet agreed
    note: str = ""


@transaction.atomic
def record_outcomes(
    *, actor, activity: StandardisationActivity, outcomes: dict[int, OutcomeInput], minutes: str
) -> list[str]:
    """The agreed outcome per criterion (keyed by StandardisationCriterion id) and the minutes. Returns the codes of
    the criteria whose outcome changed."""
    activity = locked_activity(activity)
    require_qualification_iqa(actor, activity.centre, activity.qualification)
    require_review(activity)
    criteria = {item.pk: item for item in activity.criteria.select_related("criterion")}
    unknown = set(outcomes) - set(criteria)
    if unknown:
        raise StandardisationError(_("Those criteria are not part of this activity."))
    changed = []
    for pk, given in outcomes.items():
        item = criteria[pk]
        if given.outcome and given.outcome not in AgreedOutcome.values:
            raise StandardisationError(
                _("The agreed outcome for %(code_label)s is met or not met.")
                % {"code_label": item.criterion.code_label}
            )
        if given.outcome and not given.note.strip():
            raise StandardisationError(
                _("Say what was agreed for %(code_label)s and why.") % {"code_label": item.criterion.code_label}
            )
        if (item.agreed_outcome, item.agreed_note) == (given.outcome, given.note.strip()):
            continue
        if not given.outcome and item.agreed_outcome:
            raise StandardisationError(
                _("The outcome agreed for %(code_label)s can be changed, not removed.")
                % {"code_label": item.criterion.code_label}
            )
        if not given.outcome:
            continue
        before = item.agreed_outcome
        item.agreed_outcome, item.agreed_note = given.outcome, given.note.strip()
        item.save(update_fields=["agreed_outcome", "agreed_note"])
        changed.append(item.criterion.code)
        with translation.override("en"):  # the audit history stays in English
            activity_event(
                "standardisation_outcome_agreed",
                activity,
                actor,
                f"Agreed outcome for {item.criterion.code_label} in “{activity.title}”: "
                f"{AgreedOutcome(given.outcome).label}" + (f" (was {AgreedOutcome(before).label})" if before else ""),
                criterion=item.criterion.code,
                outcome=given.outcome,
                before=before,
                note=item.agreed_note,
            )
    minutes = minutes.strip()
    if minutes != activity.minutes:
        activity.minutes = minutes
        activity.save(update_fields=["minutes"])
        activity_event(
            "standardisation_minutes_recorded",
            activity,
            actor,
            f"Minutes recorded for standardisation “{activity.title}”",
            minutes=minutes,
        )
    return changed


@transaction.atomic
def add_action(
    *, actor, activity: StandardisationActivity, assessor: User, text: str, due_on: dt.date
) -> StandardisationAction:
    """An action for one of the participating assessors, with a due date."""
    activity = locked_activity(activity)
    require_qualification_iqa(actor, activity.centre, activity.qualification)
    require_review(activity)
    if not activity.participants.filter(assessor=assessor).exists():
        raise StandardisationError(_("Actions are for the assessors who took part."))
    text = text.strip()
    if not text:
        raise StandardisationError(_("Say what the assessor is to do."))
    if due_on < timezone.localdate():
        raise StandardisationError(_("An action is due today or later."))
    action = StandardisationAction.objects.create(activity=activity, assessor=assessor, text=text, due_on=due_on)
    activity_event(
        "standardisation_action_set",
        activity,
        actor,
        f"Action for {assessor} due {due_on:%d %b %Y} from standardisation “{activity.title}”: {text}",
        assessor_id=assessor.pk,
        due_on=due_on.isoformat(),
        text=text,
    )
    return action


@transaction.atomic
def close_activity(*, actor, activity: StandardisationActivity) -> StandardisationActivity:
    """Close the record: every criterion has its agreed outcome and the minutes are written. Frozen afterwards."""
    activity = locked_activity(activity)
    require_qualification_iqa(actor, activity.centre, activity.qualification)
    require_review(activity)
    open_codes = [
        item.criterion.code_label for item in activity.criteria.select_related("criterion") if not item.agreed_outcome
    ]
    if open_codes:
        raise StandardisationError(
            _("Record the agreed outcome first for: %(join)s.") % {"join": ", ".join(open_codes)}
        )
    if not activity.minutes:
        raise StandardisationError(_("Write the minutes before closing."))
    activity.status = StandardisationActivity.Status.CLOSED
    activity.closed_at = timezone.now()
    activity.closed_by = actor
    activity.save(update_fields=["status", "closed_at", "closed_by"])
    activity_event(
        "standardisation_closed",
        activity,
        actor,
        f"Standardisation “{activity.title}” closed",
        actions=activity.actions.count(),
    )
    return activity
