"""Assessment plans (planning) and observations (observations): overdue activities, plans to sign, observations
to confirm."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from centres.models import Role
from core.compiled import CompiledRead
from observations.models import AssessmentRecord
from planning.dashboard import any_flag
from planning.models import PlanSignature, PlanSignatureRole, PlanVersion
from planning.selectors import overdue_items
from portfolio.models import Registration
from portfolio.progress import active_registrations_of

from .items import LIMIT, WaitingItem, moment


def _overdue_item_items(plan_items, *, with_learner: bool) -> list[WaitingItem]:
    items = []
    for item in plan_items:
        plan_id = item.version.plan_id
        registration = item.version.plan.registration
        text = (
            _("Plan activity overdue for %(learner)s: %(activity)s")
            % {"learner": registration.learner.full_name, "activity": item.activity[:80]}
            if with_learner
            else _("Plan activity overdue: %(activity)s") % {"activity": item.activity[:80]}
        )
        items.append(
            WaitingItem(
                since=item.due_on,
                text=text,
                url=reverse("planning:plan-detail", args=[plan_id]),
                see_all_url=reverse("planning:registration-plans", args=[registration.pk]) if not with_learner else "",
                see_all_text=_("Your assessment plans") if not with_learner else "",
            )
        )
    return items


def learner_plan_items(user, roles) -> list[WaitingItem]:
    """Overdue activities of the learner's current assessment plans (one query, only for a learner)."""
    if not any_flag(active_registrations_of(user), "has_overdue_plan_items"):
        return []
    return _overdue_item_items(overdue_items(learner=user, limit=LIMIT + 1), with_learner=False)


def assessor_plan_items(user, roles) -> list[WaitingItem]:
    if not roles.get(Role.ASSESSOR):
        return []
    return _overdue_item_items(overdue_items(assessor=user, limit=LIMIT + 1), with_learner=True)


def _unsigned_versions(role: str):
    signed = PlanSignature.objects.filter(version=OuterRef("pk"), role=role)
    return (
        PlanVersion.objects.filter(is_current=True, plan__registration__status=Registration.Status.ACTIVE)
        .exclude(Exists(signed))
        .select_related("plan__registration__learner")
        .order_by("created_at", "pk")
    )


_learners_unsigned = CompiledRead(
    lambda registration_ids: _unsigned_versions(PlanSignatureRole.LEARNER).filter(
        plan__registration__in=registration_ids
    )[: LIMIT + 1]
)
_assessors_unsigned = CompiledRead(
    lambda assessor_id: _unsigned_versions(PlanSignatureRole.ASSESSOR).filter(
        plan__registration__assessor_id=assessor_id
    )[: LIMIT + 1]
)


def plans_to_sign(user, roles) -> list[WaitingItem]:
    """Current plan versions waiting for this person's signature: as the learner, or as the learner's assessor."""
    items = []
    registrations = active_registrations_of(user)
    if any_flag(registrations, "has_plan_to_sign"):
        versions = _learners_unsigned(registration_ids=[registration.pk for registration in registrations])
        items += [
            WaitingItem(
                since=version.created_at,
                text=_("Read and sign your assessment plan “%(title)s”") % {"title": version.plan.title},
                url=reverse("planning:plan-detail", args=[version.plan_id]),
            )
            for version in versions
        ]
    if roles.get(Role.ASSESSOR):
        versions = _assessors_unsigned(assessor_id=user.pk)
        items += [
            WaitingItem(
                since=version.created_at,
                text=_("Sign the assessment plan of %(learner)s")
                % {"learner": version.plan.registration.learner.full_name},
                url=reverse("planning:plan-detail", args=[version.plan_id]),
            )
            for version in versions
        ]
    return sorted(items, key=lambda item: moment(item.since))[: LIMIT + 1]


def learner_observations(user, roles) -> list[WaitingItem]:
    """Observations the assessor left for the learner to confirm (no query unless the learner's registrations,
    read once for the home page, say one waits)."""
    registrations = active_registrations_of(user)
    if not any(getattr(registration, "has_observations_to_confirm", False) for registration in registrations):
        return []
    records = (
        AssessmentRecord.objects.filter(
            registration__in=[registration.pk for registration in registrations],
            confirmation=AssessmentRecord.Confirmation.LATER,
            learner_confirmed_at__isnull=True,
        )
        .select_related("evidence")
        .order_by("created_at", "pk")[: LIMIT + 1]
    )
    return [
        WaitingItem(
            since=record.created_at,
            text=_("Confirm the observation recorded as evidence %(reference)s")
            % {"reference": record.evidence.reference},
            url=reverse("observations:record-confirm", args=[record.pk]),
        )
        for record in records
    ]
