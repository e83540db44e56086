"""A thread's messages, in two queries whatever its length is (the thread, then its messages with authors)."""

from __future__ import annotations

from portfolio.models import Registration
from qualifications.models import Unit

from .models import Message, Thread


def messages_of(registration: Registration, *, evidence_reference: int | None = None, unit: Unit | None = None):
    thread = Thread.objects.filter(registration=registration, evidence_reference=evidence_reference, unit=unit).first()
    if thread is None:
        return []
    return list(Message.objects.filter(thread=thread).select_related("author").order_by("posted_at", "pk"))
