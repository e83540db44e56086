"""Signing training plans and progress reviews: the learner and the provider signed in, the employer through a
one-time link. A signature stores who, when, from where and the hash of the content; a review is complete when all
three have signed, and its next review date is set then."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from centres.models import record_event
from ledger.services import record as record_in_ledger
from portfolio.services.checks import is_learner

from ..models import EmployerLink, ProgressReview, Signature, SignatureRole, TrainingPlan
from ..reminders import tell_review_to_sign
from . import ApprenticeshipError, LinkRefused, is_provider, require, require_active
from .links import get_employer_link
from .setup import settings_for

ALREADY_SIGNED = {
    SignatureRole.LEARNER: gettext_noop("The learner has already signed this."),
    SignatureRole.PROVIDER: gettext_noop("The provider has already signed this."),
    SignatureRole.EMPLOYER: gettext_noop("The employer has already signed this."),
}


def _sign(*, thing, role: str, user, signed_name: str, ip_address: str | None, content_hash: str) -> Signature:
    if thing.signatures.live().filter(role=role).exists():
        raise ApprenticeshipError(_(ALREADY_SIGNED[role]))
    if content_hash != thing.content_hash:
        raise ApprenticeshipError(_("What you read has changed since the page was opened: read it again and sign."))
    field = "training_plan" if isinstance(thing, TrainingPlan) else "review"
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                **{field: thing},
                role=role,
                user=user,
                signed_name=signed_name,
                ip_address=ip_address or None,
                content_hash=thing.content_hash,
            )
    except IntegrityError:  # two signatures at once: the database keeps one
        raise ApprenticeshipError(_(ALREADY_SIGNED[role])) from None
    registration = thing.apprenticeship.registration
    what = "training plan" if field == "training_plan" else "progress review"
    record_event(
        action=f"apprenticeship.{field}_signed",
        obj=thing,
        actor=user,
        actor_label="" if user else f"{signed_name} (employer)",
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{signed_name} signed the {what} as {role}",
        role=role,
        content_hash=thing.content_hash,
        ip_address=ip_address or "",
    )
    if field == "review":
        record_in_ledger("review_signature", signature)
        _complete_review_if_signed(thing)
        if role != SignatureRole.PROVIDER:
            tell_review_to_sign(thing, actor=user)
    return signature


def _role_of(actor, registration, role: str) -> str:
    if role == SignatureRole.LEARNER:
        require(is_learner(actor, registration), _("Only the learner signs as the learner."))
    elif role == SignatureRole.PROVIDER:
        require(
            is_provider(actor, registration), _("Only the learner's assessor or a centre admin signs for the provider.")
        )
    else:
        raise ApprenticeshipError(_("The employer signs through the link sent to them."))
    return role


@transaction.atomic
def sign_training_plan(*, actor, plan: TrainingPlan, role: str, content_hash: str, ip_address: str | None) -> Signature:
    plan = TrainingPlan.objects.select_for_update().select_related("apprenticeship__registration").get(pk=plan.pk)
    registration = plan.apprenticeship.registration
    _role_of(actor, registration, role)
    require_active(registration)
    if plan.superseded_at is not None:
        raise ApprenticeshipError(_("This training plan has been replaced by a newer one."))
    return _sign(
        thing=plan, role=role, user=actor, signed_name=actor.full_name, ip_address=ip_address, content_hash=content_hash
    )


@transaction.atomic
def sign_review(*, actor, review: ProgressReview, role: str, content_hash: str, ip_address: str | None) -> Signature:
    review = ProgressReview.objects.select_for_update().select_related("apprenticeship__registration").get(pk=review.pk)
    registration = review.apprenticeship.registration
    _role_of(actor, registration, role)
    require_active(registration)
    if not review.content_hash:
        raise ApprenticeshipError(_("The review has not been recorded yet."))
    return _sign(
        thing=review,
        role=role,
        user=actor,
        signed_name=actor.full_name,
        ip_address=ip_address,
        content_hash=content_hash,
    )


@transaction.atomic
def sign_with_employer_link(*, token: str, signed_name: str, confirm: bool, ip_address: str | None) -> Signature:
    """The employer signs through the one-time link what the link was sent for, unchanged since."""
    link = get_employer_link(token)
    link = EmployerLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise LinkRefused(_("This link has already been used. Ask the provider to send you a new link."))
    signed_name = " ".join((signed_name or "").split())
    if not signed_name or len(signed_name) > 200:
        raise ApprenticeshipError(_("Sign by typing your full name."))
    if not confirm:
        raise ApprenticeshipError(_("Confirm that you have read it and that you are the person named."))
    thing = link.training_plan or link.review
    thing = type(thing).objects.select_for_update().get(pk=thing.pk)
    if thing.content_hash != link.content_hash:
        raise LinkRefused(_("What you were asked to sign has changed since this link was sent. Ask for a new link."))
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return _sign(
        thing=thing,
        role=SignatureRole.EMPLOYER,
        user=None,
        signed_name=signed_name,
        ip_address=ip_address,
        content_hash=thing.content_hash,
    )


def _complete_review_if_signed(review: ProgressReview) -> None:
    roles = set(review.signatures.live().values_list("role", flat=True))
    if roles != set(SignatureRole.values):
        return
    apprenticeship = review.apprenticeship
    interval = settings_for(apprenticeship.registration.centre).review_interval_weeks
    review.completed_at = timezone.now()
    review.next_review_on = (review.held_on or timezone.localdate()) + dt.timedelta(weeks=interval)
    review.save(update_fields=["completed_at", "next_review_on"])
    if review.next_review_on <= apprenticeship.planned_end:
        ProgressReview.objects.create(apprenticeship=apprenticeship, due_on=review.next_review_on)
    registration = apprenticeship.registration
    record_event(
        action="apprenticeship.review_completed",
        obj=review,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Progress review signed by all three; next review due {review.next_review_on:%d/%m/%Y}",
    )
