"""The demo learner's observation record (signed on the assessor's phone, with a photo) and professional discussion
(an audio recording with markers against two criteria), made through observations.services. Idempotent: a kind of
record the learner already has is left alone."""

from __future__ import annotations

import base64
import io
import math
import struct
import wave

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from observations.models import AssessmentRecord
from observations.services.discussions import record_discussion
from observations.services.recording import Marker, RecordInput, record_observation
from observations.services.signatures import SignatureInput
from portfolio.progress import unit_statuses

from .files import demo_photo

DEMO_LEARNER = "learner1@northgate.example"


def _drawn_signature() -> str:
    image = Image.new("RGBA", (340, 150), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 100), (60, 40), (90, 110), (130, 50), (170, 100), (230, 60), (310, 90)], fill=(17, 17, 17), width=3)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return "data:image/png;base64," + base64.b64encode(output.getvalue()).decode()


def _recording(seconds: int = 6) -> SimpleUploadedFile:
    """A few seconds of a quiet tone as WAV: what a discussion's recording looks like to the product."""
    rate = 8000
    output = io.BytesIO()
    with wave.open(output, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * n / rate))) for n in range(rate * seconds)
            )
        )
    return SimpleUploadedFile("discussion.wav", output.getvalue(), content_type="audio/wav")


def _open_criteria(registration, count: int) -> list:
    """Criteria still to meet, in units not locked for sign-off."""
    found = []
    for status in unit_statuses(registration):
        if status.locked:
            continue
        found.extend(c.criterion for c in status.criteria if c.required and not c.met)
    return found[:count]


def _stored(context: dict, record: AssessmentRecord) -> None:
    context.setdefault("stored_files", []).extend(
        name for file in record.evidence.files.all() for name in (file.file.name, file.thumbnail.name) if name
    )


def seed(context: dict) -> None:
    registration = (context.get("registrations") or {}).get(DEMO_LEARNER)
    if registration is None:
        return
    registration.refresh_from_db()
    assessor = registration.assessor
    existing = set(AssessmentRecord.objects.filter(registration=registration).values_list("kind", flat=True))
    today = timezone.localdate()
    if AssessmentRecord.Kind.OBSERVATION not in existing:
        criteria = _open_criteria(registration, 2)
        if criteria:
            record = record_observation(
                actor=assessor,
                registration=registration,
                data=RecordInput(
                    title="Observation: handling a customer's return at the service desk",
                    date=today,
                    observed="Greeted the customer by name, listened to the whole problem before answering, "
                    "checked the receipt against the returns policy and explained the two options clearly. "
                    "Confirmed the customer's choice back to them and thanked them.",
                    location="Workplace: Northgate store, service desk",
                    criterion_ids=[criterion.pk for criterion in criteria],
                    files=[demo_photo("Service desk during the observation")],
                ),
                learner_confirms_later=False,
                learner=SignatureInput(image=_drawn_signature()),
                witness=SignatureInput(name="Sam Supervisor", typed="Sam Supervisor"),
            )
            _stored(context, record)
    if AssessmentRecord.Kind.DISCUSSION not in existing:
        criteria = _open_criteria(registration, 2)
        if criteria:
            record = record_discussion(
                actor=assessor,
                registration=registration,
                data=RecordInput(
                    title="Professional discussion: dealing with complaints",
                    date=today,
                    observed="Talked through two recent complaints and what the learner would do differently.",
                    location="Training centre",
                    criterion_ids=[criterion.pk for criterion in criteria],
                    files=[_recording()],
                    markers=[Marker(criteria[0].pk, 1.0), Marker(criteria[-1].pk, 4.0)],
                ),
            )
            _stored(context, record)
    context.setdefault("tour", []).append(
        f"{DEMO_LEARNER}'s portfolio: an observation signed on the assessor's phone and a professional discussion "
        "whose markers jump the recording to each criterion."
    )
