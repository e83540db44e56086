"""Setting up an apprenticeship on a registration, its training plan, a change of employer and breaks in
learning."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Invitation, Role, record_event
from centres.services.invitations import invite_user
from portfolio.models import Registration

from ..models import (
    Apprenticeship,
    BreakInLearning,
    CentreApprenticeshipSettings,
    Employer,
    EmployerContact,
    ProgressReview,
    TrainingPlan,
)
from . import ApprenticeshipError, content_hash, is_provider, require, require_active


def settings_for(centre) -> CentreApprenticeshipSettings:
    """The centre's apprenticeship settings (the defaults, unsaved, until it saves its own)."""
    found = CentreApprenticeshipSettings.objects.filter(centre=centre).first()
    return found or CentreApprenticeshipSettings(centre=centre)


def _text(value: str, label: str, max_length: int = 200) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ApprenticeshipError(_("Give %(label)s.") % {"label": label})
    if len(value) > max_length:
        raise ApprenticeshipError(
            _("Keep %(label)s to %(max_length)s characters.") % {"label": label, "max_length": max_length}
        )
    return value


def _employer_and_contact(*, actor, centre, employer_name: str, contact_name: str, contact_email: str):
    employer_name = _text(employer_name, _("the employer's name"))
    contact_name = _text(contact_name, _("the employer contact's name"))
    contact_email = (contact_email or "").strip().lower()
    try:
        validate_email(contact_email)
    except ValidationError:
        raise ApprenticeshipError(_("Give the employer contact's email address.")) from None
    employer, _created = Employer.objects.get_or_create(centre=centre, name=employer_name)
    User = get_user_model()
    user = User.objects.filter(email=contact_email).first()
    if user is None:
        # An account with no password: the centre invites them to set one (centres' invitations) to sign in.
        user = User.objects.create_user(contact_email, full_name=contact_name)
    elif user.registrations.exists() or user.memberships.exists():
        raise ApprenticeshipError(_("That email address belongs to a learner or a member of staff, not an employer."))
    contact, created = EmployerContact.objects.get_or_create(
        employer=employer, user=user, defaults={"created_by": actor}
    )
    if not user.has_usable_password() and not user.invitations.pending().exists():
        # A one-time link to choose a password, as learners and staff get (sent once the change commits).
        invite_user(actor=actor, user=user, centre=centre, kind=Invitation.Kind.EMPLOYER)
    if created:
        record_event(
            action="apprenticeship.employer_contact_added",
            obj=contact,
            actor=actor,
            centre=centre,
            summary=f"{user.full_name} ({user.email}) became an employer contact for {employer.name}",
            role="employer_contact",
        )
    return employer, contact


def _validate_details(details: dict) -> dict:
    start, end = details["planned_start"], details["planned_end"]
    if start is None or end is None or end <= start:
        raise ApprenticeshipError(_("The planned end must be after the planned start."))
    p_start, p_end = details["practical_period_start"], details["practical_period_end"]
    if p_start is None or p_end is None or p_end <= p_start:
        raise ApprenticeshipError(_("The practical period must end after it starts."))
    if p_start < start or p_end > end:
        raise ApprenticeshipError(_("The practical period must lie within the planned start and end."))
    planned = details["planned_otj_hours"]
    reduction = details.get("prior_learning_reduction_hours") or Decimal("0")
    if planned is None or planned <= 0 or planned > 5000:
        raise ApprenticeshipError(_("Give the planned off-the-job hours (more than nought, at most 5000)."))
    if reduction < 0 or reduction >= planned:
        raise ApprenticeshipError(_("The reduction for prior learning must be at least nought and below the plan."))
    reason = (details.get("prior_learning_reason") or "").strip()
    if reduction > 0 and not reason:
        raise ApprenticeshipError(_("Give the reason for the reduction for prior learning."))
    details["prior_learning_reduction_hours"] = reduction
    details["prior_learning_reason"] = reason
    details["standard_reference"] = _text(details["standard_reference"], _("the standard's reference"), 20).upper()
    details["standard_title"] = _text(details["standard_title"], _("the standard's title"))
    details["workplace"] = _text(details["workplace"], _("the workplace"), 300)
    if not details.get("standard_level") or not 2 <= details["standard_level"] <= 7:
        raise ApprenticeshipError(_("Give the standard's level (2 to 7)."))
    if not details.get("typical_duration_months") or not 12 <= details["typical_duration_months"] <= 72:
        raise ApprenticeshipError(_("Give the typical duration in months (at least 12: apprenticeships last a year)."))
    return details


def plan_content(apprenticeship: Apprenticeship) -> dict:
    """What the training plan / commitment statement says: the canonical content that is hashed and signed."""
    registration = apprenticeship.registration
    return {
        "learner": registration.learner.full_name,
        "centre": registration.centre.name,
        "qualification": f"{registration.qualification.number} {registration.qualification.title}",
        "standard": f"{apprenticeship.standard_reference} {apprenticeship.standard_title}",
        "level": apprenticeship.standard_level,
        "typical_duration_months": apprenticeship.typical_duration_months,
        "employer": apprenticeship.employer.name,
        "workplace": apprenticeship.workplace,
        "employer_contact": apprenticeship.employer_contact.user.full_name,
        "employer_contact_email": apprenticeship.employer_contact.user.email,
        "planned_start": apprenticeship.planned_start.isoformat(),
        "planned_end": apprenticeship.planned_end.isoformat(),
        "practical_period": [
            apprenticeship.practical_period_start.isoformat(),
            apprenticeship.practical_period_end.isoformat(),
        ],
        "planned_otj_hours": str(apprenticeship.planned_otj_hours),
        "prior_learning_reduction_hours": str(apprenticeship.prior_learning_reduction_hours),
        "prior_learning_reason": apprenticeship.prior_learning_reason,
        "otj_target_hours": str(apprenticeship.otj_target_hours),
        "commitment": (
            "The learner commits to the training and its off-the-job hours; the employer releases them for it "
            "within paid working hours and supports them at work; the provider delivers the training, reviews "
            "progress at least every review interval and keeps the evidence."
        ),
    }


def _new_plan(*, actor, apprenticeship: Apprenticeship, reason: str) -> TrainingPlan:
    now = timezone.now()
    TrainingPlan.objects.filter(apprenticeship=apprenticeship, superseded_at__isnull=True).update(superseded_at=now)
    content = plan_content(apprenticeship)
    plan = TrainingPlan.objects.create(
        apprenticeship=apprenticeship,
        employer=apprenticeship.employer,
        content=content,
        content_hash=content_hash(content),
        created_by=actor,
    )
    registration = apprenticeship.registration
    record_event(
        action="apprenticeship.training_plan_created",
        obj=plan,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"New training plan ({reason}), waiting for three signatures",
        content_hash=plan.content_hash,
    )
    return plan


@transaction.atomic
def set_up_apprenticeship(
    *, actor, registration: Registration, employer_name: str, contact_name: str, contact_email: str, **details
) -> Apprenticeship:
    require(
        has_role(actor, Role.CENTRE_ADMIN, registration.centre_id),
        _("Only a centre admin may set up an apprenticeship."),
    )
    require_active(registration)
    if Apprenticeship.objects.filter(registration=registration).exists():
        raise ApprenticeshipError(_("This registration already has its apprenticeship details."))
    details = _validate_details(details)
    employer, contact = _employer_and_contact(
        actor=actor,
        centre=registration.centre,
        employer_name=employer_name,
        contact_name=contact_name,
        contact_email=contact_email,
    )
    apprenticeship = Apprenticeship.objects.create(
        registration=registration, employer=employer, employer_contact=contact, created_by=actor, **details
    )
    record_event(
        action="apprenticeship.set_up",
        obj=apprenticeship,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Apprenticeship {apprenticeship.standard_reference} with {employer.name} set up",
    )
    _new_plan(actor=actor, apprenticeship=apprenticeship, reason="apprenticeship set up")
    interval = settings_for(registration.centre).review_interval_weeks
    ProgressReview.objects.create(
        apprenticeship=apprenticeship,
        due_on=apprenticeship.planned_start + dt.timedelta(weeks=interval),
        created_by=actor,
    )
    return apprenticeship


@transaction.atomic
def change_employer(
    *, actor, apprenticeship: Apprenticeship, employer_name: str, workplace: str, contact_name: str, contact_email: str
) -> TrainingPlan:
    """A new employer: the earlier plan, signatures, OTJ entries and reviews stay as they were (history); a new
    training plan is started and needs all three signatures."""
    registration = apprenticeship.registration
    require(
        has_role(actor, Role.CENTRE_ADMIN, registration.centre_id), _("Only a centre admin may change the employer.")
    )
    require_active(registration)
    employer, contact = _employer_and_contact(
        actor=actor,
        centre=registration.centre,
        employer_name=employer_name,
        contact_name=contact_name,
        contact_email=contact_email,
    )
    if employer.pk == apprenticeship.employer_id:
        raise ApprenticeshipError(_("That is the current employer."))
    previous = apprenticeship.employer.name
    apprenticeship.employer = employer
    apprenticeship.employer_contact = contact
    apprenticeship.workplace = _text(workplace, _("the workplace"), 300)
    apprenticeship.save(update_fields=["employer", "employer_contact", "workplace"])
    record_event(
        action="apprenticeship.employer_changed",
        obj=apprenticeship,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Employer changed from {previous} to {employer.name}",
        previous=previous,
        employer=employer.name,
    )
    return _new_plan(actor=actor, apprenticeship=apprenticeship, reason=f"new employer {employer.name}")


@transaction.atomic
def record_break(
    *, actor, apprenticeship: Apprenticeship, starts_on: dt.date, ends_on: dt.date | None, reason: str
) -> BreakInLearning:
    """A break in learning pauses OTJ expectations and review due dates: the due dates of the reviews not yet held
    move on by the length of the break once it has an end."""
    registration = apprenticeship.registration
    require(is_provider(actor, registration), _("Only the learner's assessor or a centre admin may record a break."))
    reason = (reason or "").strip()
    if not reason:
        raise ApprenticeshipError(_("Give the reason for the break in learning."))
    if starts_on is None:
        raise ApprenticeshipError(_("Give the date the break starts."))
    if ends_on is not None and ends_on < starts_on:
        raise ApprenticeshipError(_("The break must end on or after the day it starts."))
    if not apprenticeship.planned_start <= starts_on <= apprenticeship.planned_end:
        raise ApprenticeshipError(_("The break must start within the apprenticeship."))
    for other in apprenticeship.breaks.all():
        other_end = other.ends_on or dt.date.max
        if starts_on <= other_end and (ends_on or dt.date.max) >= other.starts_on:
            raise ApprenticeshipError(_("This break overlaps a break already recorded."))
    if apprenticeship.otj_entries.filter(date__gte=starts_on, **({"date__lte": ends_on} if ends_on else {})).exists():
        raise ApprenticeshipError(_("Off-the-job training is recorded inside these dates: a break has none."))
    recorded = BreakInLearning.objects.create(
        apprenticeship=apprenticeship, starts_on=starts_on, ends_on=ends_on, reason=reason, recorded_by=actor
    )
    if ends_on is not None:
        _move_reviews(apprenticeship, recorded)
    record_event(
        action="apprenticeship.break_recorded",
        obj=recorded,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Break in learning from {starts_on:%d/%m/%Y}" + (f" to {ends_on:%d/%m/%Y}" if ends_on else ""),
        reason=reason,
    )
    return recorded


@transaction.atomic
def end_break(*, actor, break_in_learning: BreakInLearning, ends_on: dt.date) -> BreakInLearning:
    apprenticeship = break_in_learning.apprenticeship
    registration = apprenticeship.registration
    require(is_provider(actor, registration), _("Only the learner's assessor or a centre admin may end a break."))
    if break_in_learning.ends_on is not None:
        raise ApprenticeshipError(_("This break has already ended."))
    if ends_on is None or ends_on < break_in_learning.starts_on:
        raise ApprenticeshipError(_("The break must end on or after the day it starts."))
    break_in_learning.ends_on = ends_on
    break_in_learning.save(update_fields=["ends_on"])
    _move_reviews(apprenticeship, break_in_learning)
    record_event(
        action="apprenticeship.break_ended",
        obj=break_in_learning,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Break in learning ended on {ends_on:%d/%m/%Y}",
    )
    return break_in_learning


def _move_reviews(apprenticeship: Apprenticeship, recorded: BreakInLearning) -> None:
    length = dt.timedelta(days=(recorded.ends_on - recorded.starts_on).days + 1)
    for review in apprenticeship.reviews.filter(completed_at__isnull=True, due_on__gte=recorded.starts_on):
        review.due_on += length
        review.save(update_fields=["due_on"])


DETAIL_FIELDS = (
    "standard_reference",
    "standard_title",
    "standard_level",
    "typical_duration_months",
    "planned_start",
    "planned_end",
    "practical_period_start",
    "practical_period_end",
    "planned_otj_hours",
    "prior_learning_reduction_hours",
    "prior_learning_reason",
    "workplace",
)


@transaction.atomic
def change_details(*, actor, apprenticeship: Apprenticeship, **details) -> TrainingPlan | None:
    """A change to the apprenticeship's details: the signed plan stays as it was signed, and a new plan with the
    new details needs all three signatures. Returns the new plan (None when nothing changed)."""
    registration = apprenticeship.registration
    require(
        has_role(actor, Role.CENTRE_ADMIN, registration.centre_id), _("Only a centre admin may change the details.")
    )
    require_active(registration)
    details = _validate_details({field: details.get(field) for field in DETAIL_FIELDS})
    changed = {field: value for field, value in details.items() if getattr(apprenticeship, field) != value}
    if not changed:
        return None
    if "planned_start" in changed or "planned_end" in changed:
        outside = apprenticeship.otj_entries.exclude(
            date__gte=details["planned_start"], date__lte=details["planned_end"]
        )
        if outside.exists():
            raise ApprenticeshipError(_("Off-the-job training is recorded outside the new dates."))
    for field, value in changed.items():
        setattr(apprenticeship, field, value)
    apprenticeship.save(update_fields=list(changed))
    record_event(
        action="apprenticeship.details_changed",
        obj=apprenticeship,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary="Apprenticeship details changed: " + ", ".join(field.replace("_", " ") for field in changed),
        changed={field: str(value) for field, value in changed.items()},
    )
    return _new_plan(actor=actor, apprenticeship=apprenticeship, reason="details changed")
