"""The initial assessment of a learner on a registration: recorded, or corrected, by their assessor or the centre
admin. Each version is kept in the registration's history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Role, record_event
from portfolio.models import InitialAssessment, Registration, SkillsLevel
from portfolio.services import NotAllowed, PortfolioError


class InitialAssessmentError(PortfolioError):
    pass


def may_record_initial_assessment(user, registration: Registration) -> bool:
    return registration.assessor_id == user.pk or has_role(user, Role.CENTRE_ADMIN, registration.centre)


@transaction.atomic
def record_initial_assessment(
    *,
    actor,
    registration: Registration,
    english_level: str,
    maths_level: str,
    prior_experience: str,
    notes: str,
    assessed_on: dt.date | None,
) -> InitialAssessment:
    """Record the learner's initial assessment, or correct it (the earlier values stay in the history)."""
    if not may_record_initial_assessment(actor, registration):
        raise NotAllowed(_("Only the learner's assessor or the centre admin records the initial assessment."))
    if registration.status != Registration.Status.ACTIVE:
        raise InitialAssessmentError(_("This registration is no longer active."))
    if english_level not in SkillsLevel.values or maths_level not in SkillsLevel.values:
        raise InitialAssessmentError(_("Choose the learner's English and maths levels."))
    prior_experience, notes = prior_experience.strip(), notes.strip()
    if not prior_experience:
        raise InitialAssessmentError(
            _("Describe the learner's prior learning and experience (write “none” if they have none).")
        )
    if assessed_on is None:
        raise InitialAssessmentError(_("Give the date of the initial assessment."))
    if assessed_on > timezone.localdate():
        raise InitialAssessmentError(_("The initial assessment cannot be dated in the future."))
    values = {
        "english_level": english_level,
        "maths_level": maths_level,
        "prior_experience": prior_experience,
        "notes": notes,
        "assessed_on": assessed_on,
    }
    assessment = InitialAssessment.objects.select_for_update().filter(registration=registration).first()
    if assessment is None:
        assessment = InitialAssessment.objects.create(registration=registration, assessed_by=actor, **values)
        action, changes = "initial_assessment.recorded", {}
    else:
        before = {key: getattr(assessment, key) for key in values}
        if before == values:
            raise InitialAssessmentError(_("Nothing changed."))
        changes = {
            key: {"from": str(before[key]), "to": str(values[key])} for key in values if before[key] != values[key]
        }
        for key, value in values.items():
            setattr(assessment, key, value)
        assessment.assessed_by, assessment.recorded_at = actor, timezone.now()
        assessment.save()
        action = "initial_assessment.updated"
    with translation.override("en"):  # the audit history stays in English
        record_event(
            action=action,
            obj=assessment,
            actor=actor,
            registration=registration,
            summary=f"Initial assessment {'recorded' if action.endswith('recorded') else 'corrected'}: English "
            f"{assessment.get_english_level_display()}, maths {assessment.get_maths_level_display()}",
            english_level=english_level,
            maths_level=maths_level,
            prior_experience=prior_experience,
            notes=notes,
            assessed_on=assessed_on.isoformat(),
            changes=changes,
        )
    return assessment
