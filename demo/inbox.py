"""Demo notifications: the events seeded through the services already notified people (evidence submitted to the
assessor, judgements to the learner, ...). Those are history, so they are marked as emailed (the worker does not
send a burst of old emails after seeding); and the demo learner and assessor are sure to find a few unread under
the bell. Idempotent: an existing notification of the kind is left alone."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from notifications import kinds
from notifications.models import Notification
from notifications.services import notify
from portfolio.models import Evidence

LEARNER_EMAIL = "learner1@northgate.example"
ASSESSOR_EMAIL = "assessor@northgate.example"


def _ensure(recipient, kind: str, **options) -> None:
    if not Notification.objects.filter(recipient=recipient, kind=kind).exists():
        notify(recipient, kind, **options)


def seed(context: dict) -> None:
    users = context["users"]
    learner, assessor = users.get(LEARNER_EMAIL), users.get(ASSESSOR_EMAIL)
    registration = context.get("registrations", {}).get(LEARNER_EMAIL)
    if learner is not None and assessor is not None and registration is not None:
        centre = registration.centre
        evidence = Evidence.objects.filter(registration=registration, is_current=True).order_by("pk").first()
        if evidence is not None:
            _ensure(
                learner,
                kinds.EVIDENCE_JUDGED,
                centre=centre,
                title=f"Your assessor judged evidence {evidence.reference}",
                url=reverse("portfolio:evidence-detail", args=[evidence.pk]),
                actor=assessor,
                subject_object=evidence,
            )
            _ensure(
                assessor,
                kinds.EVIDENCE_SUBMITTED,
                centre=centre,
                title=f"Evidence {evidence.reference} was submitted for you to assess",
                url=reverse("portfolio:evidence-judge", args=[evidence.pk]),
                actor=learner,
                subject_object=evidence,
            )
    Notification.objects.filter(recipient__in=list(users.values()), emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    context.setdefault("tour", []).append(
        f"The bell in the header: {LEARNER_EMAIL} and {ASSESSOR_EMAIL} have unread notifications; "
        "each person's email choices are under /notifications/settings/."
    )
