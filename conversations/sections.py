"""The thread shown on the portfolio's evidence and unit pages (answers to portfolio.sections)."""

from __future__ import annotations

from django.urls import reverse

from .selectors import messages_of
from .services import BODY_MAX, Access, access_to, evidence_unit_ids


def evidence_thread_section(user, evidence) -> list[dict]:
    registration = evidence.registration
    access = access_to(user, registration, evidence_unit_ids(evidence))
    if access == Access.NONE:
        return []
    return [
        {
            "template": "conversations/_thread.html",
            "messages": messages_of(registration, evidence_reference=evidence.reference),
            "can_post": access == Access.POST,
            "post_url": reverse("conversations:evidence-thread", args=[evidence.pk]),
            "heading_id": f"thread-evidence-{evidence.pk}",
            "body_max": BODY_MAX,
        }
    ]


def unit_thread_section(user, registration, unit) -> list[dict]:
    access = access_to(user, registration, [unit.pk])
    if access == Access.NONE:
        return []
    return [
        {
            "template": "conversations/_thread.html",
            "messages": messages_of(registration, unit=unit),
            "can_post": access == Access.POST,
            "post_url": reverse("conversations:unit-thread", args=[registration.pk, unit.pk]),
            "heading_id": f"thread-unit-{unit.pk}",
            "body_max": BODY_MAX,
        }
    ]
