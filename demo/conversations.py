"""A short conversation on one piece of a learner's evidence: the learner asks, the assessor answers, the learner
thanks them (posted through conversations.services, so each message is in the audit history)."""

from __future__ import annotations

from conversations.models import Thread
from conversations.services import post_on_evidence
from portfolio.models import Evidence

LEARNER = "learner1@northgate.example"
MESSAGES = [
    ("learner", "Is my service desk log enough for 1.1, or should I add the customer's email as well?"),
    ("assessor", "The log shows it well. Add the email only if you want it for 2.3; we can talk at my next visit."),
    ("learner", "Thanks, I will bring it then."),
]


def seed(context: dict) -> None:
    registration = context.get("registrations", {}).get(LEARNER)
    if registration is None or registration.assessor_id is None:
        return
    evidence = (
        Evidence.objects.current()
        .filter(registration=registration, status=Evidence.Status.SUBMITTED, links__isnull=False)
        .select_related("registration__centre")
        .order_by("reference")
        .first()
    )
    if evidence is None:
        return
    if not Thread.objects.filter(registration=registration, evidence_reference=evidence.reference).exists():
        people = {"learner": registration.learner, "assessor": registration.assessor}
        for who, body in MESSAGES:
            post_on_evidence(actor=people[who], evidence=evidence, body=body)
    context.setdefault("tour", []).append(
        f"A conversation on {registration.learner.full_name}'s evidence {evidence.reference} (its page, as {LEARNER} "
        "or their assessor): the learner asks, the assessor answers; the centre admin reads it."
    )
