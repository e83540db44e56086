"""Recording progress reviews. The content is hashed; a change after anyone has signed voids their signatures
(a change needs new signatures) and refuses the employer links sent for the earlier content. A review signed by all
three is kept unaltered."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import record_event

from ..models import ProgressReview
from ..reminders import tell_review_to_sign
from ..selectors import otj_actual_hours
from . import ApprenticeshipError, content_hash, is_provider, require, require_active

CONTENT_FIELDS = (
    "held_on",
    "criteria_met",
    "otj_hours",
    "targets_set",
    "targets_met",
    "english_maths",
    "wellbeing",
    "safeguarding",
    "employer_comments",
)


def review_content(review: ProgressReview) -> dict:
    return {field: getattr(review, field) for field in CONTENT_FIELDS} | {
        "held_on": review.held_on.isoformat() if review.held_on else None,
        "otj_hours": str(review.otj_hours) if review.otj_hours is not None else None,
        "due_on": review.due_on.isoformat(),
        "review": review.pk,
    }


def apply_review_content(review: ProgressReview, values: dict, *, actor, actor_label: str = "") -> bool:
    """Set the content, hash it; if it changed, void live signatures. Returns whether it changed."""
    for field, value in values.items():
        setattr(review, field, value)
    new_hash = content_hash(review_content(review))
    if new_hash == review.content_hash:
        return False
    had_hash = bool(review.content_hash)
    review.content_hash = new_hash
    review.save()
    voided = review.signatures.live().update(voided_at=timezone.now(), void_reason="The review's content changed.")
    registration = review.apprenticeship.registration
    record_event(
        action="apprenticeship.review_recorded" if not had_hash else "apprenticeship.review_changed",
        obj=review,
        actor=actor,
        actor_label=actor_label,
        centre=registration.centre,
        registration_id=registration.pk,
        summary="Progress review recorded"
        if not had_hash
        else f"Progress review changed; {voided} signature(s) voided and earlier employer links refused",
        content_hash=new_hash,
        voided_signatures=voided,
    )
    return True


@transaction.atomic
def record_review(
    *,
    actor,
    review: ProgressReview,
    held_on: dt.date,
    targets_set: str,
    targets_met: str,
    english_maths: str,
    wellbeing: str,
    safeguarding: str,
    employer_comments: str,
) -> ProgressReview:
    review = ProgressReview.objects.select_for_update().select_related("apprenticeship__registration").get(pk=review.pk)
    apprenticeship = review.apprenticeship
    registration = apprenticeship.registration
    require(is_provider(actor, registration), _("Only the learner's assessor or a centre admin record the review."))
    require_active(registration)
    if review.completed_at is not None:
        raise ApprenticeshipError(_("This review has been signed by all three and can no longer change."))
    if held_on is None or held_on > timezone.localdate():
        raise ApprenticeshipError(_("Give the date the review was held; it cannot be in the future."))
    if held_on < apprenticeship.planned_start:
        raise ApprenticeshipError(_("The review cannot be before the apprenticeship started."))
    texts = {
        "targets_set": targets_set,
        "targets_met": targets_met,
        "english_maths": english_maths,
        "wellbeing": wellbeing,
        "safeguarding": safeguarding,
        "employer_comments": employer_comments,
    }
    texts = {name: (value or "").strip()[:5000] for name, value in texts.items()}
    if not texts["targets_set"]:
        raise ApprenticeshipError(_("Record the targets set at this review."))
    if not texts["wellbeing"] or not texts["safeguarding"]:
        raise ApprenticeshipError(_("Record the wellbeing and safeguarding checks."))
    values = {
        "held_on": held_on,
        "criteria_met": registration.decisions.filter(is_met=True).count(),
        "otj_hours": otj_actual_hours(apprenticeship),
        **texts,
    }
    apply_review_content(review, values, actor=actor)
    tell_review_to_sign(review, actor=actor)
    return review
