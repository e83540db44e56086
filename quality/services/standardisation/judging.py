"""The invited assessors' judgements, each submitted once, and the IQA closing judging."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ...models import StandardisationActivity, StandardisationJudgement, StandardisationParticipant, Verdict
from ..errors import NotAllowed
from .activity import StandardisationError, activity_event, locked_activity
from .eligibility import require_qualification_iqa


@dataclass(frozen=True)
class JudgementInput:
    verdict: str
    rationale: str


@transaction.atomic
def submit_judgements(
    *, actor, activity: StandardisationActivity, judgements: dict[int, JudgementInput]
) -> StandardisationParticipant:
    """An invited assessor's judgements, one per criterion (keyed by StandardisationCriterion id), submitted once."""
    activity = locked_activity(activity)
    participant = (
        StandardisationParticipant.objects.select_for_update().filter(activity=activity, assessor=actor).first()
    )
    if participant is None:
        raise NotAllowed(_("Only the assessors invited to this standardisation judge it."))
    if activity.status != StandardisationActivity.Status.JUDGING:
        raise StandardisationError(_("Judging is closed: judgements can no longer be submitted."))
    if participant.submitted_at is not None:
        raise StandardisationError(_("You have already submitted your judgements; they cannot be changed."))
    criteria = list(activity.criteria.select_related("criterion"))
    rows = []
    for item in criteria:
        given = judgements.get(item.pk)
        if given is None or given.verdict not in Verdict.values:
            raise StandardisationError(
                _("Give your judgement on %(code_label)s: met, not met or not sure.")
                % {"code_label": item.criterion.code_label}
            )
        if not given.rationale.strip():
            raise StandardisationError(_("Say why, for %(code_label)s.") % {"code_label": item.criterion.code_label})
        rows.append(
            StandardisationJudgement(
                participant=participant, criterion=item, verdict=given.verdict, rationale=given.rationale.strip()
            )
        )
    StandardisationJudgement.objects.bulk_create(rows)
    participant.submitted_at = timezone.now()
    participant.save(update_fields=["submitted_at"])
    activity_event(
        "standardisation_submitted",
        activity,
        actor,
        f"{actor} submitted their judgements in standardisation “{activity.title}”",
        verdicts={row.criterion.criterion.code: row.verdict for row in rows},
    )
    return participant


@transaction.atomic
def close_judging(*, actor, activity: StandardisationActivity) -> StandardisationActivity:
    """End judging: the judgements are shown side by side; an assessor who has not submitted no longer can."""
    activity = locked_activity(activity)
    require_qualification_iqa(actor, activity.centre, activity.qualification)
    if activity.status != StandardisationActivity.Status.JUDGING:
        raise StandardisationError(_("Judging is already closed."))
    participants = list(activity.participants.select_related("assessor"))
    submitted = [str(p.assessor) for p in participants if p.submitted_at is not None]
    missing = [str(p.assessor) for p in participants if p.submitted_at is None]
    if not submitted:
        raise StandardisationError(_("No assessor has submitted yet: there is nothing to compare."))
    activity.status = StandardisationActivity.Status.REVIEW
    activity.judging_closed_at = timezone.now()
    activity.save(update_fields=["status", "judging_closed_at"])
    activity_event(
        "standardisation_judging_closed",
        activity,
        actor,
        f"Judging closed in standardisation “{activity.title}”: {len(submitted)} submitted"
        + (f", not submitted: {', '.join(missing)}" if missing else ""),
        submitted=submitted,
        not_submitted=missing,
    )
    return activity
