"""Quality's answers to what the centres app asks (centres/hooks.py), registered in QualityConfig.ready()."""

from __future__ import annotations

from centres.models import Membership, Role
from portfolio.models import CountersignStatus

from .models import SampleRecord


def samples_awaiting_countersignature(membership: Membership) -> str:
    """A trainee IQA's samples at the centre that still wait for their countersignatory, in words."""
    if membership.role != Role.IQA:
        return ""
    count = SampleRecord.objects.filter(
        iqa_id=membership.user_id, countersign_status=CountersignStatus.AWAITING, plan__centre_id=membership.centre_id
    ).count()
    return f"{count} IQA sample{'' if count == 1 else 's'}" if count else ""
