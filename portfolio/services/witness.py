"""Witness testimony: the learner or assessor invites a witness, who gets a one-time, expiring link, writes and
signs the testimony without an account, and it arrives as WT evidence awaiting the assessor's review.

Only the SHA-256 of the link's token is stored: the email holds the only copy of the token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import record_event
from ledger.services import record as record_in_ledger
from portfolio.models import Evidence, Registration, WitnessInvitation
from qualifications.models import AssessmentMethod

from . import AlreadyDone, PortfolioError
from .checks import can_add_evidence, require, require_active

TESTIMONY_MAX = 20_000


def invitation_days() -> int:
    return getattr(settings, "WITNESS_INVITATION_DAYS", 14)


def _hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


DUPLICATE_WINDOW = dt.timedelta(minutes=10)


def testimony_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portfolio:witness-testimony", args=[token])


def _field(value: str, label: str, max_length: int = 200) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise PortfolioError(_("Give the witness's %(label)s.") % {"label": label})
    if len(value) > max_length:
        raise PortfolioError(
            _("Keep the witness's %(label)s to %(max_length)s characters.") % {"label": label, "max_length": max_length}
        )
    return value


@transaction.atomic
def invite_witness(
    *, actor, registration: Registration, name: str, job_title: str, relationship: str, email: str, note: str = ""
) -> tuple[WitnessInvitation, str]:
    """Invite a witness by email. Returns the invitation and the token (sent in the email, never stored); the same
    invitation asked for again within DUPLICATE_WINDOW returns the earlier one and None for the token."""
    require_active(registration)
    require(can_add_evidence(actor, registration), "Only the learner or their assessor may invite a witness.")
    name = _field(name, "name")
    job_title = _field(job_title, "job title")
    relationship = _field(relationship, "relationship to the learner")
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise PortfolioError(_("Give the witness's email address.")) from None
    if email == registration.learner.email.lower():
        raise PortfolioError(_("The witness must be someone other than the learner."))
    # A double-posted form reuses the invitation it just made (and sends no second email); the registration row is
    # locked so that two identical requests at the same moment are taken one after the other.
    Registration.objects.select_for_update().filter(pk=registration.pk).first()
    earlier = WitnessInvitation.objects.filter(
        registration=registration,
        invited_by=actor,
        name=name,
        job_title=job_title,
        relationship=relationship,
        email=email,
        used_at__isnull=True,
        created_at__gte=timezone.now() - DUPLICATE_WINDOW,
    ).first()
    if earlier is not None:
        return earlier, None
    token = secrets.token_urlsafe(32)
    invitation = WitnessInvitation.objects.create(
        registration=registration,
        invited_by=actor,
        name=name,
        job_title=job_title,
        relationship=relationship,
        email=email,
        token_hash=_hash(token),
        expires_at=timezone.now() + dt.timedelta(days=invitation_days()),
    )
    record_event(
        action="witness.invited",
        obj=invitation,
        actor=actor,
        registration=registration,
        summary=f"Invited {name} ({job_title}) to write a witness testimony",
        name=name,
        job_title=job_title,
        relationship=relationship,
        email=email,
    )
    context = {
        "invitation": invitation,
        "registration": registration,
        "learner": registration.learner,
        "url": testimony_url(token),
        "days": invitation_days(),
        "note": (note or "").strip()[:2000],
        "invited_by": actor,
    }
    subject = " ".join(render_to_string("portfolio/emails/witness_subject.txt", context).split())
    body = render_to_string("portfolio/emails/witness_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return invitation, token


def get_witness_invitation(token: str) -> WitnessInvitation:
    """The pending invitation for the token, or PortfolioError saying why the link does not work."""
    invitation = (
        WitnessInvitation.objects.select_related(
            "registration__learner", "registration__centre", "registration__qualification", "evidence"
        )
        .filter(token_hash=_hash(token))
        .first()
    )
    if invitation is None:
        raise PortfolioError(_("This link is not valid. Ask the person who invited you to send a new one."))
    if invitation.used_at is not None:
        raise AlreadyDone("This testimony has already been received. Thank you.", invitation)
    if invitation.expires_at <= timezone.now():
        raise PortfolioError(_("This link has expired. Ask the person who invited you to send a new one."))
    if invitation.registration.status != Registration.Status.ACTIVE:
        raise PortfolioError(_("This learner's programme has ended; the testimony can no longer be received."))
    return invitation


@transaction.atomic
def receive_testimony(*, token: str, testimony: str, signed_name: str, date: dt.date, confirm: bool) -> Evidence:
    """Record the witness's signed testimony as WT evidence, submitted and awaiting the assessor's review."""
    invitation = get_witness_invitation(token)
    invitation = (
        WitnessInvitation.objects.select_for_update(of=("self",))
        .select_related("registration__centre")
        .get(pk=invitation.pk)
    )
    if invitation.used_at is not None:
        raise AlreadyDone("This testimony has already been received. Thank you.", invitation)
    testimony = (testimony or "").strip()
    if not testimony:
        raise PortfolioError(_("Write your testimony: what you saw the learner do, when and where."))
    if len(testimony) > TESTIMONY_MAX:
        raise PortfolioError(
            _("Keep the testimony to %(TESTIMONY_MAX)s characters.") % {"TESTIMONY_MAX": TESTIMONY_MAX}
        )
    signed_name = " ".join((signed_name or "").split())
    if not signed_name:
        raise PortfolioError(_("Sign the testimony by typing your full name."))
    if len(signed_name) > 200:
        raise PortfolioError(_("Keep your name to 200 characters."))
    if not confirm:
        raise PortfolioError(_("Confirm that the testimony is true and that you are the person named."))
    if date is None or date > timezone.localdate():
        raise PortfolioError(_("Give the date of what you witnessed; it cannot be in the future."))
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=invitation.registration_id)
    reference = registration.next_evidence_reference
    Registration.objects.filter(pk=registration.pk).update(next_evidence_reference=reference + 1)
    now = timezone.now()
    label = f"{invitation.name}, {invitation.job_title} ({invitation.relationship})"
    evidence = Evidence.objects.create(
        registration=registration,
        reference=reference,
        title=f"Witness testimony from {invitation.name}"[:200],
        date=date,
        description=testimony,
        author=None,
        author_label=label[:200],
        status=Evidence.Status.SUBMITTED,
        submitted_at=now,
    )
    evidence.methods.set(AssessmentMethod.objects.filter(code="WT"))
    invitation.used_at = now
    invitation.signed_name = signed_name
    invitation.evidence = evidence
    invitation.save(update_fields=["used_at", "signed_name", "evidence"])
    record_in_ledger("evidence_version", evidence)
    record_event(
        action="witness.testimony_received",
        obj=evidence,
        actor=None,
        actor_label=f"{signed_name} (witness)",
        centre=invitation.registration.centre,
        registration_id=registration.pk,
        summary=f"Witness testimony from {invitation.name} received as evidence {reference}",
        evidence_reference=reference,
        evidence_version=1,
        invitation_id=invitation.pk,
        signed_name=signed_name,
        witness=label,
    )
    return evidence
