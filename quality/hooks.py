"""Quality's answers to what lower apps ask (centres/hooks.py, portfolio.progress), registered in
QualityConfig.ready()."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from centres.models import Membership, Role
from portfolio.models import CountersignStatus

from .models import CertificationClaim, SampleRecord


def samples_awaiting_countersignature(membership: Membership) -> str:
    """A trainee IQA's samples at the centre that still wait for their countersignatory, in words."""
    if membership.role != Role.IQA:
        return ""
    count = SampleRecord.objects.filter(
        iqa_id=membership.user_id, countersign_status=CountersignStatus.AWAITING, plan__centre_id=membership.centre_id
    ).count()
    return f"{count} IQA sample{'' if count == 1 else 's'}" if count else ""


def learner_has_claims(today, monday) -> dict:
    """For portfolio.progress.active_registrations_of: whether the learner has any certificate claim, on any of
    their registrations (active or not), read with their active registrations."""
    return {
        "learner_has_claims": Exists(CertificationClaim.objects.filter(registration__learner=OuterRef("learner_id")))
    }
