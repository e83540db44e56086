"""What the portfolio pages show of an observation record or a professional discussion (portfolio.sections
evidence_details, registration_actions): on the evidence page, the signatures and how the learner confirmed, or
the recording with its markers; on the learner's portfolio, the assessor's links to record one."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.compiled import CompiledRead
from portfolio.models import Registration
from portfolio.services.checks import is_assessor, is_learner

from .models import AssessmentRecord
from .services.recording import DISCUSSION, OBSERVATION

# Its SQL built once per process (core.compiled). A piece of evidence has at most one record.
_record_of = CompiledRead(
    lambda evidence_id: (
        AssessmentRecord.objects.filter(evidence_id=evidence_id)
        .select_related("assessor", "visit")
        .prefetch_related("signatures", "markers__criterion__unit")
        .order_by("pk")[:1]
    )
)


def evidence_section(user, evidence) -> list[dict]:
    # The evidence page has its methods in hand: other evidence costs no query here.
    if not any(method.code in {OBSERVATION, DISCUSSION} for method in evidence.methods.all()):
        return []
    record = next(iter(_record_of(evidence_id=evidence.pk)), None)
    if record is None:
        return []
    audio = next((file for file in evidence.files.all() if file.kind in {"audio", "video"}), None)
    return [
        {
            "template": "observations/_evidence_section.html",
            "record": record,
            "signatures": list(record.signatures.all()),
            "markers": list(record.markers.all()),
            "audio": audio,
            "can_confirm": record.awaiting_learner and is_learner(user, evidence.registration),
        }
    ]


def visit_record_actions(user, visit, registration) -> list[tuple[str, str]]:
    """On a visit's page, the visit's assessor's link to record an observation of one of its learners, kept with
    the record (planning asks through planning.hooks.visit_actions)."""
    if visit.assessor_id != user.pk or visit.is_cancelled:
        return []
    if registration.status != Registration.Status.ACTIVE or not is_assessor(user, registration):
        return []
    url = reverse("observations:observation-new", args=[registration.pk]) + f"?visit={visit.pk}"
    return [(url, _("Record an observation"))]


def record_actions(user, registration) -> list[tuple[str, str]]:
    """The assessor's links, on the learner's portfolio, to record an observation or a discussion."""
    if registration.status != Registration.Status.ACTIVE or not is_assessor(user, registration):
        return []
    return [
        (reverse("observations:observation-new", args=[registration.pk]), _("Record an observation")),
        (reverse("observations:discussion-new", args=[registration.pk]), _("Record a discussion")),
    ]
