"""Recording a professional discussion: one piece of evidence holding the audio recording, linked to the criteria
discussed and judged met, with time-stamped markers against those criteria."""

from __future__ import annotations

import json
import math
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from portfolio.models import Registration
from portfolio.services import PortfolioError
from portfolio.services.checks import criteria_on_plan
from portfolio.uploads import StoredFiles, prepare_all

from ..models import AssessmentRecord, DiscussionMarker
from .recording import (
    DISCUSSION,
    Marker,
    RecordInput,
    check_recordings,
    make_evidence,
    record_hash,
    recorded_event,
    require_assessor,
)
from .signatures import signable_content

MARKERS_MAX = 200


def parse_markers(raw: str) -> list[Marker]:
    """The markers the page's script posts: JSON [{"criterion": id, "seconds": n}, ...]."""
    raw = (raw or "").strip()
    if not raw:
        return []
    try:
        items = json.loads(raw)
        markers = [Marker(criterion_id=int(item["criterion"]), seconds=float(item["seconds"])) for item in items]
    except (ValueError, TypeError, KeyError):
        raise PortfolioError(_("The markers could not be read; nothing was saved.")) from None
    return markers


def record_discussion(*, actor, registration: Registration, data: RecordInput) -> AssessmentRecord:
    """Record a professional discussion: one piece of evidence (method PD) holding the audio recording, linked to
    the criteria discussed and judged met, with time-stamped markers against those criteria."""
    require_assessor(actor, registration)
    criteria = criteria_on_plan(registration, data.criterion_ids)
    if not criteria:
        raise PortfolioError(_("Choose the criteria the discussion covered."))
    chosen = {criterion.pk for criterion in criteria}
    if len(data.markers) > MARKERS_MAX:
        raise PortfolioError(_("Keep to %(most)s markers.") % {"most": MARKERS_MAX})
    for marker in data.markers:
        if marker.criterion_id not in chosen:
            raise PortfolioError(_("A marker is for a criterion the discussion does not cover; nothing was saved."))
        if not math.isfinite(marker.seconds) or marker.seconds < 0 or marker.seconds > 86_400:
            raise PortfolioError(_("A marker's time is not within the recording; nothing was saved."))
    if not data.files:
        raise PortfolioError(_("Record the discussion, or choose an audio file of it."))
    prepared = prepare_all(data.files)
    try:
        # A browser's own recording (MediaRecorder) is WebM, which the allow-list files under video.
        if len(prepared) != 1 or prepared[0].file_type.family not in {"audio", "video"}:
            raise PortfolioError(_("A professional discussion is saved with one audio recording."))
        check_recordings(prepared)
        signable = signable_content(
            title=data.title, observed=data.observed, location=data.location, criterion_ids=data.criterion_ids
        )
        full_hash = record_hash(
            {**signable, "markers": [[m.criterion_id, round(m.seconds, 1)] for m in data.markers]}, prepared
        )
        with StoredFiles() as saver, transaction.atomic():
            evidence = make_evidence(
                actor=actor, registration=registration, data=data, method=DISCUSSION, saver=saver, prepared=prepared
            )
            record = AssessmentRecord.objects.create(
                evidence=evidence,
                registration=registration,
                kind=AssessmentRecord.Kind.DISCUSSION,
                assessor=actor,
                confirmation=AssessmentRecord.Confirmation.NOT_ASKED,
                content_hash=full_hash,
            )
            DiscussionMarker.objects.bulk_create(
                [
                    DiscussionMarker(
                        record=record, criterion_id=marker.criterion_id, seconds=Decimal(str(round(marker.seconds, 1)))
                    )
                    for marker in data.markers
                ]
            )
            recorded_event(
                record,
                actor,
                f"Recorded a professional discussion as evidence {evidence.reference}",
                criteria=criteria,
                markers=len(data.markers),
            )
    finally:
        for item in prepared:
            item.close()
    return record
