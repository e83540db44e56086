"""Setting a standardisation activity before the assessors, and what every later step shares: the error it raises,
the activity locked for the step, the history entry, and the check that the activity is under review."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from centres.models import Centre, User, record_event
from portfolio.models import Evidence
from qualifications.models import AssessmentCriterion, Qualification, QualificationUnit, Unit

from ...models import StandardisationActivity, StandardisationCriterion, StandardisationParticipant
from ..errors import QualityError
from .eligibility import evidence_to_standardise, qualification_assessors, require_qualification_iqa

MIN_ASSESSORS = 2


class StandardisationError(QualityError):
    """A standardisation step cannot be taken as asked (the reason is for the person acting)."""


def activity_event(action: str, activity: StandardisationActivity, actor, summary: str, **data) -> None:
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


def locked_activity(activity: StandardisationActivity) -> StandardisationActivity:
    return (
        StandardisationActivity.objects.select_for_update()
        .select_related("centre", "qualification", "unit")
        .get(pk=activity.pk)
    )


def require_review(activity: StandardisationActivity) -> None:
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
    activity_event(
        "standardisation_created",
        activity,
        actor,
        f"Standardisation “{title}” on {unit.reference} ({judged}) set for {len(assessors)} assessors",
        evidence_id=evidence.pk if evidence else None,
        criteria=[criterion.code for criterion in criteria],
        assessor_ids=[assessor.pk for assessor in assessors],
    )
    return activity
