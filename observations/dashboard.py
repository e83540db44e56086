"""Home-page panel: the learner's observations waiting for them to confirm in their own account."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from portfolio.progress import active_registrations_of

from .models import AssessmentRecord

LIMIT = 10


def _awaiting():
    return AssessmentRecord.objects.filter(
        confirmation=AssessmentRecord.Confirmation.LATER, learner_confirmed_at__isnull=True
    )


def registration_has_observations_to_confirm(today, monday) -> dict:
    """For portfolio.progress.active_registrations_of: read with the learner's registrations, so that a home page
    with nothing to confirm asks nothing more."""
    return {"has_observations_to_confirm": Exists(_awaiting().filter(registration=OuterRef("pk")))}


def panels(user, roles) -> list[dict]:
    registrations = active_registrations_of(user)
    if not any(getattr(registration, "has_observations_to_confirm", False) for registration in registrations):
        return []
    waiting = list(
        _awaiting()
        .filter(registration__in=[registration.pk for registration in registrations])
        .select_related("evidence")
        .order_by("created_at")[:LIMIT]
    )
    return [
        {
            "template": "tracking/_panel.html",
            "order": 20,
            "id": "observations-to-confirm",
            "title": _("Observations to confirm"),
            "lead": _("Your assessor recorded these observations: read each one and confirm it is a true record."),
            "items": [
                {
                    "url": reverse("observations:record-confirm", args=[record.pk]),
                    "learner": "",
                    "unit": _("Confirm this observation: %(title)s (%(date)s)")
                    % {"title": record.evidence.title, "date": f"{record.evidence.date:%d/%m/%Y}"},
                }
                for record in waiting
            ],
            "empty": "",
        }
    ]
