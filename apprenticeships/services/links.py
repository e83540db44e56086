"""One-time employer links, as witness testimony links work (portfolio/services/witness.py): a random token in the
email, only its SHA-256 stored, an expiry, used once. The link also remembers the hash of the content it was sent
for: if the content changes, the link is refused and the employer asks for a new one."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import record_event

from ..models import EmployerContact, EmployerLink, ProgressReview, TrainingPlan
from . import ApprenticeshipError, LinkRefused, is_provider, require


def link_days() -> int:
    return getattr(settings, "EMPLOYER_LINK_DAYS", 14)


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def link_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("apprenticeships:employer-sign", args=[token])


@transaction.atomic
def send_employer_link(
    *, actor, training_plan: TrainingPlan | None = None, review: ProgressReview | None = None
) -> tuple[EmployerLink, str]:
    """Email the employer contact a one-time link to sign the plan or the review. Returns the link and its token
    (the email holds the only copy)."""
    thing = training_plan or review
    apprenticeship = thing.apprenticeship
    registration = apprenticeship.registration
    require(is_provider(actor, registration), _("Only the learner's assessor or a centre admin may send the link."))
    if thing.signatures.live().filter(role="employer").exists():
        raise ApprenticeshipError(_("The employer has already signed."))
    if training_plan is not None and training_plan.superseded_at is not None:
        raise ApprenticeshipError(_("This training plan has been replaced by a newer one."))
    if review is not None and not review.content_hash:
        raise ApprenticeshipError(_("Record the review before asking the employer to sign it."))
    contact = apprenticeship.employer_contact
    if not EmployerContact.objects.active().filter(pk=contact.pk).exists():
        raise ApprenticeshipError(
            f"{contact.user.full_name} is no longer an active employer contact: change the employer contact first."
        )
    token = secrets.token_urlsafe(32)
    link = EmployerLink.objects.create(
        training_plan=training_plan,
        review=review,
        email=contact.user.email,
        token_hash=token_hash(token),
        content_hash=thing.content_hash,
        created_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=link_days()),
    )
    what = "training plan" if training_plan else "progress review"
    record_event(
        action="apprenticeship.employer_link_sent",
        obj=link,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Sent {contact.user.full_name} a link to sign the {what}",
        email=contact.user.email,
    )
    names = {"sender": actor.full_name, "centre": registration.centre.name, "learner": registration.learner.full_name}
    if training_plan:
        subject = _("Please sign the training plan for %(learner)s") % names
        asks = _(
            "%(sender)s of %(centre)s asks you to read and sign the training plan of %(learner)s's apprenticeship."
        )
    else:
        subject = _("Please sign the progress review for %(learner)s") % names
        asks = _(
            "%(sender)s of %(centre)s asks you to read and sign the progress review of %(learner)s's apprenticeship."
        )
    works_once = _("The link works once, for %(days)s days.") % {"days": link_days()}
    body = f"{asks % names}\n\n{link_url(token)}\n\n{works_once}\n"
    email = contact.user.email
    # Sent once the link is committed, so that a rolled-back request sends nothing.
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return link, token


def get_employer_link(token: str) -> EmployerLink:
    """The usable link for the token, or LinkRefused saying why (expired, used, or the content changed)."""
    link = (
        EmployerLink.objects.select_related(
            "training_plan__apprenticeship__registration__learner",
            "training_plan__apprenticeship__registration__centre",
            "review__apprenticeship__registration__learner",
            "review__apprenticeship__registration__centre",
        )
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None:
        raise LinkRefused(_("This link is not valid. Ask the provider to send you a new link."))
    if link.used_at is not None:
        raise LinkRefused(_("This link has already been used. Ask the provider to send you a new link."))
    if link.expires_at <= timezone.now():
        raise LinkRefused(_("This link has expired. Ask the provider to send you a new link."))
    thing = link.training_plan or link.review
    if (
        not EmployerContact.objects.active()
        .filter(employer_id=thing.apprenticeship.employer_id, user__email__iexact=link.email)
        .exists()
    ):
        raise LinkRefused(
            _(
                "This link no longer works: you are not an active contact of this employer. Ask the provider to send "
                "you a new link."
            )
        )
    if thing.content_hash != link.content_hash:
        raise LinkRefused(
            _(
                "What you were asked to sign has changed since this link was sent. Ask the provider to send you a "
                "new link."
            )
        )
    if link.training_plan is not None and link.training_plan.superseded_at is not None:
        raise LinkRefused(
            _("This training plan has been replaced by a newer one. Ask the provider to send you a new link.")
        )
    return link
