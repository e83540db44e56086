"""Home-page panel: the learner's observations waiting for them to confirm in their own account."""

from django.urls import reverse

from .models import AssessmentRecord

LIMIT = 10


def panels(user, roles) -> list[dict]:
    waiting = list(
        AssessmentRecord.objects.filter(
            registration__learner=user,
            confirmation=AssessmentRecord.Confirmation.LATER,
            learner_confirmed_at__isnull=True,
        )
        .select_related("evidence", "assessor")
        .order_by("created_at")[:LIMIT]
    )
    if not waiting:
        return []
    return [
        {
            "template": "tracking/_panel.html",
            "order": 20,
            "id": "observations-to-confirm",
            "title": "Observations to confirm",
            "lead": "Your assessor recorded these observations: read each one and confirm it is a true record.",
            "items": [
                {
                    "url": reverse("observations:record-confirm", args=[record.pk]),
                    "learner": "",
                    "unit": f"Confirm this observation: {record.evidence.title} ({record.evidence.date:%d/%m/%Y})",
                }
                for record in waiting
            ],
            "empty": "",
        }
    ]
