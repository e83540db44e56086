"""What apprenticeships tell the assessor: a progress review waiting for the provider's signature (when the learner
or the employer has signed, or someone else recorded it), and, once a day, reviews due soon and then overdue (told
once per review and state; apprentices on a break are left out, as on the home page)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from notifications.kinds import Delivery, register_kind
from notifications.services import notify, notify_once, told_before
from portfolio.models import Registration

from .models import ProgressReview, SignatureRole
from .selectors import reviews_due

REVIEW_TO_SIGN = "review_to_sign"
REVIEW_DUE = "review_due"
BATCH = 500

register_kind(
    REVIEW_TO_SIGN,
    label=gettext_lazy("Progress review to sign"),
    description=gettext_lazy("An apprentice's progress review waits for your signature for the provider."),
)
register_kind(
    REVIEW_DUE,
    label=gettext_lazy("Progress review due or overdue"),
    description=gettext_lazy("An apprentice you assess has a progress review due soon or overdue."),
    default=Delivery.DIGEST,
)


def tell_review_to_sign(review: ProgressReview, *, actor=None) -> None:
    """Inside the service's transaction: tell the learner's assessor the review waits for the provider's signature,
    unless the provider has signed already (or the assessor is the one acting)."""
    if review.completed_at is not None or not review.content_hash:
        return
    if review.signatures.live().filter(role=SignatureRole.PROVIDER).exists():
        return
    registration = review.apprenticeship.registration
    notify(
        registration.assessor,
        REVIEW_TO_SIGN,
        centre=registration.centre,
        title=lambda: gettext("A progress review waits for your signature"),
        url=reverse("apprenticeships:review", args=[review.pk]),
        actor=actor,
        subject_object=review,
    )


def _due_title(review, today: dt.date) -> str:
    due = review.due_on.strftime("%d/%m/%Y")
    if review.due_on < today:
        return gettext("A progress review is overdue (due %(date)s)") % {"date": due}
    return gettext("A progress review is due %(date)s") % {"date": due}


def remind_reviews_due(today: dt.date | None = None) -> int:
    """The daily task: each review due soon or overdue, not complete, told to the learner's assessor once per state."""
    today = today or timezone.localdate()
    reviews = reviews_due(Registration.objects.filter(status=Registration.Status.ACTIVE), today).select_related(
        "apprenticeship__registration__assessor", "apprenticeship__registration__centre"
    )
    told_count, last_pk = 0, 0
    while True:
        batch = list(reviews.filter(pk__gt=last_pk).order_by("pk")[:BATCH])
        if not batch:
            return told_count
        last_pk = batch[-1].pk
        told = told_before(REVIEW_DUE, ProgressReview._meta.model_name, [review.pk for review in batch])
        for review in batch:
            registration = review.apprenticeship.registration
            title = partial(_due_title, review, today)  # written in the assessor's language
            told_count += notify_once(
                told,
                registration.assessor,
                REVIEW_DUE,
                centre=registration.centre,
                title=title,
                url=reverse("apprenticeships:review", args=[review.pk]),
                subject_object=review,
            )
