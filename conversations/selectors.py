"""A thread's messages in one query whatever its length (no thread row needed to read them)."""

from __future__ import annotations

from portfolio.models import Registration
from qualifications.models import Unit

from .models import Message


def messages_of(registration: Registration, *, evidence_reference: int | None = None, unit: Unit | None = None):
    about = {"thread__evidence_reference": evidence_reference} if unit is None else {"thread__unit": unit}
    return list(
        Message.objects.filter(thread__registration=registration, **about)
        .select_related("author")
        .order_by("posted_at", "pk")
    )
