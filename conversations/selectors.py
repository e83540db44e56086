"""A thread's messages in one query whatever its length (no thread row needed to read them)."""

from __future__ import annotations

from core.compiled import CompiledRead
from portfolio.models import Registration
from qualifications.models import Unit

from .models import Message


def messages_of(registration: Registration, *, evidence_reference: int | None = None, unit: Unit | None = None):
    if unit is not None:
        return _messages("unit", registration_id=registration.pk, about=unit.pk)
    return _messages("evidence", registration_id=registration.pk, about=evidence_reference)


_messages = CompiledRead(
    lambda kind, registration_id, about: (
        Message.objects.filter(
            thread__registration_id=registration_id,
            **({"thread__unit_id": about} if kind == "unit" else {"thread__evidence_reference": about}),
        )
        .select_related("author")
        .order_by("posted_at", "pk")
    )
)
