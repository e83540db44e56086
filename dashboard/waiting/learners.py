"""A learner's items: feedback to act on, tracking sheets to sign."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.compiled import CompiledRead
from portfolio.models import CountersignStatus, EvidenceLink
from portfolio.progress import active_registrations_of, unit_statuses
from tracking.models import SignatureRole
from tracking.selectors import signoff_states

from .items import LIMIT, WaitingItem, moment

_rejected_links = CompiledRead(
    lambda registration_ids: (
        EvidenceLink.objects.filter(
            evidence__registration_id__in=registration_ids,
            evidence__is_current=True,
            status=EvidenceLink.Status.REJECTED,
        )
        .exclude(countersign_status=CountersignStatus.OVERTURNED)
        .order_by("judged_at", "pk")
        .values_list("evidence_id", "evidence__reference", "judged_at")[: LIMIT * 4]
    )
)


def learner_feedback(user, roles) -> list[WaitingItem]:
    """Evidence the assessor did not accept for a criterion: the learner acts on the feedback (a new version).
    No query for someone who is not a learner (the home page has read their registrations already)."""
    registrations = active_registrations_of(user)
    if not registrations:
        return []
    # Plain values (the evidence's id and reference, when judged), not links with their evidence: a narrower
    # query to build and no objects to make.
    links = _rejected_links(registration_ids=[registration.pk for registration in registrations])
    items, seen = [], set()
    see_all_url = reverse("portfolio:my-portfolio")
    for evidence_id, reference, judged_at in links:
        if evidence_id in seen:
            continue
        seen.add(evidence_id)
        items.append(
            WaitingItem(
                since=judged_at,
                text=_("Act on the feedback on evidence %(reference)s") % {"reference": reference},
                url=reverse("portfolio:evidence-detail", args=[evidence_id]),
                see_all_url=see_all_url,
                see_all_text=_("Your portfolio"),
            )
        )
    return items[: LIMIT + 1]


def learner_sheets(user, roles) -> list[WaitingItem]:
    """Units whose every criterion is met and that the learner has not signed (the home page shares the criteria
    and the sheets' sign-off states with the tracking panel, which reads them too: no query of its own)."""
    registrations = active_registrations_of(user)
    if not registrations:
        return []
    items = []
    for registration in registrations:
        statuses = unit_statuses(registration)
        states = signoff_states(registration, statuses)
        for status in statuses:
            if not status.complete or SignatureRole.LEARNER in states[status.unit.pk].live:
                continue
            decided = [c.decision.decided_at for c in status.criteria if getattr(c, "decision", None) is not None]
            items.append(
                WaitingItem(
                    since=max(decided) if decided else None,
                    text=_("Sign the tracking sheet for unit %(unit)s") % {"unit": status.unit.reference},
                    url=reverse("tracking:sheet", args=[registration.pk, status.unit.pk]),
                    see_all_url=reverse("tracking:registration", args=[registration.pk]),
                    see_all_text=_("All tracking sheets"),
                )
            )
    return sorted(items, key=lambda item: moment(item.since))[: LIMIT + 1]
