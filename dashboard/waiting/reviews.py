"""Apprenticeship progress reviews due, and reviews waiting for the provider's signature."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apprenticeships.models import ProgressReview
from apprenticeships.models import Signature as ReviewSignature
from apprenticeships.models import SignatureRole as ReviewSignatureRole
from apprenticeships.selectors import due_soon_by, reviews_due
from centres.models import Role
from core.compiled import CompiledRead
from portfolio.models import Registration

from .items import LIMIT, WaitingItem, moment


def _review_scope(user, roles) -> dict:
    """Whose progress reviews wait for this person: the assessor's learners, the admin's centres (as ids, each only
    when the person has that role: an empty part would drop out of the SQL)."""
    scope = {}
    if roles.get(Role.ASSESSOR):
        scope["assessor_id"] = user.pk
    if roles.get(Role.CENTRE_ADMIN):
        scope["centre_ids"] = [centre.pk for centre in roles[Role.CENTRE_ADMIN]]
    return scope


def _registrations(**scope):
    parts = Q(pk__in=[])
    if "assessor_id" in scope:
        parts |= Q(assessor_id=scope["assessor_id"])
    if "centre_ids" in scope:
        parts |= Q(centre_id__in=scope["centre_ids"])
    return Registration.objects.filter(parts, status=Registration.Status.ACTIVE)


# Both reads with SQL built once per process (core.compiled): a limit, then the days and whose reviews.
_due = CompiledRead(
    lambda limit, today, due_by, **scope: reviews_due(_registrations(**scope), today, due_by=due_by).filter(
        content_hash=""
    )[:limit]
)
_to_sign = CompiledRead(
    lambda limit, **scope: (
        ProgressReview.objects.filter(
            apprenticeship__registration__in=_registrations(**scope), completed_at__isnull=True, held_on__isnull=False
        )
        .exclude(content_hash="")
        .exclude(
            Exists(ReviewSignature.objects.live().filter(review=OuterRef("pk"), role=ReviewSignatureRole.PROVIDER))
        )
        .select_related("apprenticeship__registration__learner")
        .order_by("held_on", "pk")[:limit]
    )
)


def reviews_waiting(user, roles) -> list[WaitingItem]:
    """Progress reviews due soon or overdue, and recorded reviews waiting for the provider's signature (the
    assessor's learners; a centre admin's centres): two queries."""
    scope = _review_scope(user, roles)
    if not scope:
        return []
    today = timezone.localdate()
    items = []
    for review in _due(LIMIT + 1, today=today, due_by=due_soon_by(today), **scope):
        learner = review.apprenticeship.registration.learner.full_name
        text = (
            _("Progress review of %(learner)s overdue since %(date)s")
            if review.due_on < today
            else _("Progress review of %(learner)s due %(date)s")
        ) % {"learner": learner, "date": f"{review.due_on:%d %b %Y}"}
        items.append(
            WaitingItem(since=review.due_on, text=text, url=reverse("apprenticeships:review", args=[review.pk]))
        )
    items += [
        WaitingItem(
            since=review.held_on,
            text=_("Sign the progress review of %(learner)s")
            % {"learner": review.apprenticeship.registration.learner.full_name},
            url=reverse("apprenticeships:review", args=[review.pk]),
        )
        for review in _to_sign(LIMIT + 1, **scope)
    ]
    return sorted(items, key=lambda item: moment(item.since))[: LIMIT + 1]
