"""Apprenticeship progress reviews due, and reviews waiting for the provider's signature."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apprenticeships.models import ProgressReview
from apprenticeships.models import Signature as ReviewSignature
from apprenticeships.models import SignatureRole as ReviewSignatureRole
from apprenticeships.selectors import reviews_due
from centres.models import Role
from portfolio.models import Registration

from .items import LIMIT, WaitingItem, moment


def _review_registrations(user, roles):
    """Registrations whose progress reviews wait for this person: the assessor's learners, the admin's centres."""
    scope = Q()
    if roles.get(Role.ASSESSOR):
        scope |= Q(assessor=user)
    if roles.get(Role.CENTRE_ADMIN):
        scope |= Q(centre__in=roles[Role.CENTRE_ADMIN])
    if not scope:
        return None
    return Registration.objects.filter(scope, status=Registration.Status.ACTIVE)


def reviews_waiting(user, roles) -> list[WaitingItem]:
    """Progress reviews due soon or overdue, and recorded reviews waiting for the provider's signature (the
    assessor's learners; a centre admin's centres): two queries."""
    registrations = _review_registrations(user, roles)
    if registrations is None:
        return []
    today = timezone.localdate()
    items = []
    for review in reviews_due(registrations, today).filter(content_hash="")[: LIMIT + 1]:
        learner = review.apprenticeship.registration.learner.full_name
        text = (
            _("Progress review of %(learner)s overdue since %(date)s")
            if review.due_on < today
            else _("Progress review of %(learner)s due %(date)s")
        ) % {"learner": learner, "date": f"{review.due_on:%d %b %Y}"}
        items.append(
            WaitingItem(since=review.due_on, text=text, url=reverse("apprenticeships:review", args=[review.pk]))
        )
    provider_signed = Exists(
        ReviewSignature.objects.live().filter(review=OuterRef("pk"), role=ReviewSignatureRole.PROVIDER)
    )
    to_sign = (
        ProgressReview.objects.filter(
            apprenticeship__registration__in=registrations, completed_at__isnull=True, held_on__isnull=False
        )
        .exclude(content_hash="")
        .exclude(provider_signed)
        .select_related("apprenticeship__registration__learner")
        .order_by("held_on", "pk")[: LIMIT + 1]
    )
    items += [
        WaitingItem(
            since=review.held_on,
            text=_("Sign the progress review of %(learner)s")
            % {"learner": review.apprenticeship.registration.learner.full_name},
            url=reverse("apprenticeships:review", args=[review.pk]),
        )
        for review in to_sign
    ]
    return sorted(items, key=lambda item: moment(item.since))[: LIMIT + 1]
