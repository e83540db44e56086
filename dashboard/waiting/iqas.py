"""An IQA's items: completed actions to close, a trainee IQA's samples to countersign."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from centres.models import Role
from core.compiled import CompiledRead
from quality.models import Action
from quality.services.countersign import first_samples_awaiting_countersignature

from .items import LIMIT, WaitingItem, moment

# SQL built once per process (core.compiled): completed actions at the IQA's centres, not their own as assessor.
_to_close = CompiledRead(
    lambda limit, centre_ids, iqa_id: (
        Action.objects.awaiting_close()
        .filter(sample__plan__centre_id__in=centre_ids)
        .exclude(assessor_id=iqa_id)
        .select_related("assessor")
        .order_by("completed_at", "pk")[:limit]
    )
)


def iqa_work(user, roles) -> list[WaitingItem]:
    """Actions an assessor completed, for the IQA to close; samples a trainee IQA made, for their countersignatory."""
    items = []
    if roles.get(Role.IQA):
        url = reverse("quality:action-list")
        to_close = _to_close(LIMIT + 1, centre_ids=[centre.pk for centre in roles[Role.IQA]], iqa_id=user.pk)
        items += [
            WaitingItem(
                since=action.completed_at,
                text=_("Close the action %(assessor)s completed") % {"assessor": action.assessor.full_name},
                url=url,
                see_all_url=url,
                see_all_text=_("Actions"),
            )
            for action in to_close
        ]
    if roles.get("countersigns_iqa"):
        url = reverse("quality:countersign-queue")
        samples = first_samples_awaiting_countersignature(user, LIMIT + 1)
        items += [
            WaitingItem(
                since=sample.sampled_at,
                text=_("Countersign %(iqa)s's sample") % {"iqa": sample.iqa.full_name},
                url=reverse("quality:sample-countersign", args=[sample.pk]),
                see_all_url=url,
                see_all_text=_("Samples to countersign"),
            )
            for sample in samples
        ]
    return sorted(items, key=lambda item: moment(item.since))[: LIMIT + 1]
