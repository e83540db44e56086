"""Standardisation: an IQA of a qualification at a centre sets a piece of evidence (a learner's, or an exemplar or
observation written in) and the criteria of one unit before the qualification's assessors; each judges it on their
own and submits once; the IQA closes judging, sees the judgements side by side, records the agreed outcome per
criterion, the minutes and actions per assessor, and closes the record, which is then frozen.

Who sees what: an assessor sees the others' judgements only after submitting their own; the IQA sees who has
submitted while judging is open, and the judgements only once they close judging (so that nobody, the IQA
included, can steer an assessor who has not yet judged). Every step writes an audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Centre, Role, User, record_event
from portfolio.models import Evidence, Registration
from qualifications.models import AssessmentCriterion, Qualification, QualificationUnit, Unit

from ..models import (
    AgreedOutcome,
    SamplingPlan,
    StandardisationAction,
    StandardisationActivity,
    StandardisationCriterion,
    StandardisationJudgement,
    StandardisationParticipant,
    Verdict,
)
from .errors import NotAllowed, QualityError

MIN_ASSESSORS = 2


class StandardisationError(QualityError):
    """A standardisation step cannot be taken as asked (the reason is for the person acting)."""


def is_qualification_iqa(user, centre: Centre, qualification: Qualification) -> bool:
    """An IQA of the centre who quality-assures this qualification there: they hold a sampling plan for it, or are
    the IQA of one of its learners at the centre."""
    if not has_role(user, Role.IQA, centre):
        return False
    return (
        SamplingPlan.objects.filter(centre=centre, qualification=qualification, iqa=user).exists()
        or Registration.objects.filter(centre=centre, qualification=qualification, iqa=user).exists()
    )


def require_qualification_iqa(actor, centre: Centre, qualification: Qualification) -> None:
    if not is_qualification_iqa(actor, centre, qualification):
        raise NotAllowed(
            _("Only an IQA of %(number)s at %(centre)s may run its standardisation.")
            % {"number": qualification.number, "centre": centre}
        )


def qualification_assessors(centre: Centre, qualification: Qualification) -> QuerySet[User]:
    """The assessors of a qualification at a centre: active assessors there with a current learner on it."""
    learners = Registration.objects.filter(centre=centre, qualification=qualification).exclude(
        status=Registration.Status.WITHDRAWN
    )
    return (
        User.objects.filter(
            is_active=True,
            memberships__centre=centre,
            memberships__role=Role.ASSESSOR,
            memberships__is_active=True,
            pk__in=learners.values("assessor_id"),
        )
        .distinct()
        .order_by("full_name", "email")
    )


def evidence_to_standardise(centre: Centre, qualification: Qualification) -> QuerySet[Evidence]:
    """Submitted, current evidence of the centre's learners on the qualification: what an activity may set."""
    return (
        Evidence.objects.current()
        .filter(
            registration__centre=centre,
            registration__qualification=qualification,
            status=Evidence.Status.SUBMITTED,
        )
        .select_related("registration__learner")
        .order_by("registration__learner__full_name", "reference")
    )


def _event(action: str, activity: StandardisationActivity, actor, summary: str, **data) -> None:
    record_event(
        action=action,
        obj=activity,
        actor=actor,
        centre=activity.centre,
        summary=summary,
        qualification=activity.qualification.number,
        unit=activity.unit.reference,
        **data,
    )


def _locked(activity: StandardisationActivity) -> StandardisationActivity:
    return (
        StandardisationActivity.objects.select_for_update()
        .select_related("centre", "qualification", "unit")
        .get(pk=activity.pk)
    )


def _require_review(activity: StandardisationActivity) -> None:
    if activity.status == StandardisationActivity.Status.CLOSED:
        raise StandardisationError(_("This standardisation record is closed: it can no longer be changed."))
    if activity.status == StandardisationActivity.Status.JUDGING:
        raise StandardisationError(_("Close judging first: the outcome is agreed once the judgements are in."))


@transaction.atomic
def create_activity(
    *,
    actor,
    centre: Centre,
    qualification: Qualification,
    unit: Unit,
    title: str,
    criteria: list[AssessmentCriterion],
    assessors: list[User],
    evidence: Evidence | None = None,
    exemplar: str = "",
) -> StandardisationActivity:
    """Set a piece of evidence (or an exemplar or observation record) and criteria of one unit before assessors."""
    require_qualification_iqa(actor, centre, qualification)
    title, exemplar = title.strip(), exemplar.strip()
    if not title:
        raise StandardisationError(_("Give the activity a title."))
    if not QualificationUnit.objects.filter(qualification=qualification, unit=unit).exists():
        raise StandardisationError(
            _("%(reference)s is not a unit of %(number)s.")
            % {"reference": unit.reference, "number": qualification.number}
        )
    if (evidence is None) == (not exemplar):
        raise StandardisationError(
            _("Choose either a learner's evidence or write the exemplar or observation to be judged (one of the two).")
        )
    if evidence is not None and not evidence_to_standardise(centre, qualification).filter(pk=evidence.pk).exists():
        raise StandardisationError(
            _("That evidence is not submitted evidence of a learner on this qualification at this centre.")
        )
    criteria = list(dict.fromkeys(criteria))
    if not criteria:
        raise StandardisationError(_("Choose at least one criterion to be judged."))
    if any(criterion.unit_id != unit.pk for criterion in criteria):
        raise StandardisationError(
            _("Every criterion judged must be one of %(reference)s's.") % {"reference": unit.reference}
        )
    assessors = list(dict.fromkeys(assessors))
    if len(assessors) < MIN_ASSESSORS:
        raise StandardisationError(
            _("Standardisation compares judgements: invite at least %(MIN_ASSESSORS)s assessors of the qualification.")
            % {"MIN_ASSESSORS": MIN_ASSESSORS}
        )
    eligible = set(qualification_assessors(centre, qualification).values_list("pk", flat=True))
    outsiders = [assessor for assessor in assessors if assessor.pk not in eligible]
    if outsiders:
        names = ", ".join(str(assessor) for assessor in outsiders)
        raise StandardisationError(
            _("Not an assessor of %(number)s at %(centre)s: %(names)s.")
            % {"number": qualification.number, "centre": centre, "names": names}
        )
    activity = StandardisationActivity.objects.create(
        centre=centre,
        qualification=qualification,
        unit=unit,
        title=title,
        evidence=evidence,
        exemplar=exemplar,
        iqa=actor,
    )
    StandardisationCriterion.objects.bulk_create(
        StandardisationCriterion(activity=activity, criterion=criterion) for criterion in criteria
    )
    StandardisationParticipant.objects.bulk_create(
        StandardisationParticipant(activity=activity, assessor=assessor) for assessor in assessors
    )
    judged = f"evidence {evidence.pk} of {evidence.registration.learner}" if evidence else "an exemplar"
    _event(
        "standardisation_created",
        activity,
        actor,
        f"Standardisation “{title}” on {unit.reference} ({judged}) set for {len(assessors)} assessors",
        evidence_id=evidence.pk if evidence else None,
        criteria=[criterion.code for criterion in criteria],
        assessor_ids=[assessor.pk for assessor in assessors],
    )
    return activity


@dataclass(frozen=True)
class JudgementInput:
    verdict: str
    rationale: str


@transaction.atomic
def submit_judgements(
    *, actor, activity: StandardisationActivity, judgements: dict[int, JudgementInput]
) -> StandardisationParticipant:
    """An invited assessor's judgements, one per criterion (keyed by StandardisationCriterion id), submitted once."""
    activity = _locked(activity)
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
    _event(
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
    activity = _locked(activity)
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
    _event(
        "standardisation_judging_closed",
        activity,
        actor,
        f"Judging closed in standardisation “{activity.title}”: {len(submitted)} submitted"
        + (f", not submitted: {', '.join(missing)}" if missing else ""),
        submitted=submitted,
        not_submitted=missing,
    )
    return activity


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
    activity = _locked(activity)
    require_qualification_iqa(actor, activity.centre, activity.qualification)
    _require_review(activity)
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
            _event(
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
        _event(
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
    activity = _locked(activity)
    require_qualification_iqa(actor, activity.centre, activity.qualification)
    _require_review(activity)
    if not activity.participants.filter(assessor=assessor).exists():
        raise StandardisationError(_("Actions are for the assessors who took part."))
    text = text.strip()
    if not text:
        raise StandardisationError(_("Say what the assessor is to do."))
    if due_on < timezone.localdate():
        raise StandardisationError(_("An action is due today or later."))
    action = StandardisationAction.objects.create(activity=activity, assessor=assessor, text=text, due_on=due_on)
    _event(
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
    activity = _locked(activity)
    require_qualification_iqa(actor, activity.centre, activity.qualification)
    _require_review(activity)
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
    _event(
        "standardisation_closed",
        activity,
        actor,
        f"Standardisation “{activity.title}” closed",
        actions=activity.actions.count(),
    )
    return activity
