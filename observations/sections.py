"""What the evidence page shows of an observation record or a professional discussion (portfolio.hooks
evidence_sections): the signatures and how the learner confirmed; the recording with its markers."""

from __future__ import annotations

from django.template.loader import render_to_string

from portfolio.services.checks import is_learner

from .models import AssessmentRecord


def evidence_section(request, evidence) -> str:
    record = (
        AssessmentRecord.objects.filter(evidence=evidence)
        .select_related("assessor")
        .prefetch_related("signatures", "markers__criterion__unit")
        .first()
    )
    if record is None:
        return ""
    audio = next((file for file in evidence.files.all() if file.kind in {"audio", "video"}), None)
    return render_to_string(
        "observations/_evidence_section.html",
        {
            "record": record,
            "signatures": list(record.signatures.all()),
            "markers": list(record.markers.all()),
            "audio": audio,
            "can_confirm": record.awaiting_learner and is_learner(request.user, evidence.registration),
        },
        request=request,
    )
