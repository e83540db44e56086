"""The portfolio's answers to what the centres app asks (centres/hooks.py), registered in PortfolioConfig.ready():
who is registered at a centre, each person's caseload there, and a trainee assessor's decisions that still wait
for countersignature."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q

from centres.models import Membership, Role

from .models import CountersignStatus, CriterionDecision, EvidenceLink, Registration


def learners_registered(centre) -> Q:
    return Q(pk__in=Registration.objects.filter(centre=centre).values("learner_id"))


def caseloads(centre) -> Counter:
    active = Registration.objects.filter(centre=centre, status=Registration.Status.ACTIVE)
    counts: Counter = Counter()
    for role, field in ((Role.ASSESSOR, "assessor_id"), (Role.IQA, "iqa_id")):
        for user_id, count in active.values_list(field).annotate(n=Count("id")).values_list(field, "n"):
            counts[(role, user_id)] = count
    return counts


def decisions_awaiting_countersignature(membership: Membership) -> str:
    if membership.role != Role.ASSESSOR:
        return ""
    user, centre, awaiting = membership.user_id, membership.centre_id, CountersignStatus.AWAITING
    count = (
        EvidenceLink.objects.filter(
            judged_by=user, countersign_status=awaiting, evidence__registration__centre=centre
        ).count()
        + CriterionDecision.objects.filter(
            decided_by=user, countersign_status=awaiting, registration__centre=centre
        ).count()
    )
    return f"{count} assessment decision{'' if count == 1 else 's'}" if count else ""


def registrations_with_learner(centre, staff, learner) -> list[Registration]:
    """The learner's active registrations at the centre that the staff member assesses or quality-assures."""
    return list(
        Registration.objects.filter(centre=centre, learner=learner, status=Registration.Status.ACTIVE)
        .filter(Q(assessor=staff) | Q(iqa=staff))
        .select_related("qualification")
    )


def learners_belonging(user_ids, centre_ids) -> set:
    """Notifications ask who still belongs to a centre: a learner does until withdrawn from every registration."""
    return set(
        Registration.objects.filter(learner_id__in=user_ids, centre_id__in=centre_ids)
        .exclude(status=Registration.Status.WITHDRAWN)
        .values_list("learner_id", "centre_id")
    )
