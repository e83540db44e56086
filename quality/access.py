"""Scoped lookups for quality pages: every plan, sample, action and share is fetched here for the acting user.

Another centre's object is a 404; so is an object of the user's centre that their role does not reach.
EQAs read only within active shares (linked to the centre, within the share's dates, not revoked)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from centres.access import access_profile, centres_where
from centres.models import Centre, Role
from core.compiled import CompiledRead
from portfolio.access import active_eqa_share_items
from portfolio.models import EqaShare, Registration

from .models import (
    Action,
    CertificationClaim,
    SampleRecord,
    SamplingPlan,
    StandardisationActivity,
    StandardisationParticipant,
)


def iqa_centres(user) -> QuerySet[Centre]:
    return centres_where(user, Role.IQA)


def admin_centres(user) -> QuerySet[Centre]:
    return centres_where(user, Role.CENTRE_ADMIN)


def require_iqa_somewhere(user) -> None:
    if not iqa_centres(user).exists():
        raise PermissionDenied("Only internal quality assurers use these pages.")


def plans_for(user) -> QuerySet[SamplingPlan]:
    """Plans of every centre where the user is an IQA."""
    return SamplingPlan.objects.filter(centre__in=iqa_centres(user))


def get_plan_for(user, pk) -> SamplingPlan:
    """A plan the user works on as an IQA of its centre (404 otherwise)."""
    return get_object_or_404(plans_for(user).select_related("centre", "qualification", "iqa"), pk=pk)


def shared_scope(pairs) -> dict[int, set[int] | None]:
    """(registration id, unit id or None) pairs of share items -> registration id: shared unit ids (None: whole)."""
    scope: dict[int, set[int] | None] = {}
    for registration_id, unit_id in pairs:
        if unit_id is None:
            scope[registration_id] = None
        elif scope.get(registration_id, set()) is not None:
            scope.setdefault(registration_id, set()).add(unit_id)
    return scope


def eqa_scope(user, centre_id: int | None = None) -> dict[int, set[int] | None]:
    """What the EQA may read today: registration id -> the shared unit ids, or None for the whole registration."""
    items = active_eqa_share_items(user)
    if centre_id is not None:
        items = items.filter(share__centre_id=centre_id)
    return shared_scope(items.values_list("registration_id", "unit_id"))


def sample_in_scope(scope: dict[int, set[int] | None], registration_id: int, unit_ids) -> bool:
    """A sample is readable through a share only if every unit it looked at is shared."""
    if registration_id not in scope:
        return False
    shared = scope[registration_id]
    return shared is None or set(unit_ids) <= shared


@dataclass
class PlanView:
    plan: SamplingPlan
    as_eqa: bool
    visible_registration_ids: set[int] | None  # None: every learner in the plan
    scope: dict[int, set[int] | None] | None = None  # an EQA's shared units by registration

    def shows_sample(self, sample) -> bool:
        if self.scope is None:
            return True
        return sample_in_scope(self.scope, sample.registration_id, [u.unit_id for u in sample.units.all()])


def get_plan_for_reader(user, pk) -> PlanView:
    """A plan for an IQA of its centre, or read-only for an EQA with an active share of a learner on its
    qualification at its centre (who then sees only the shared learners' rows and samples)."""
    plan = next(iter(_plan_by_pk(pk=_plan_pk(pk))), None)
    if plan is None:
        raise Http404("No such plan.")
    if plan.centre_id in access_profile(user).centre_ids(Role.IQA):
        return PlanView(plan, as_eqa=False, visible_registration_ids=None)
    scope = eqa_scope(user, plan.centre_id)
    shared = set(
        Registration.objects.filter(pk__in=scope, qualification_id=plan.qualification_id).values_list("pk", flat=True)
    )
    if not shared:
        raise Http404("No such plan.")
    return PlanView(plan, as_eqa=True, visible_registration_ids=shared, scope=scope)


# The plan first, by its id alone (its SQL built once per process), then whether this reader may have it: an IQA
# of its centre from the memberships read once per request, anyone else through their EQA shares.
_plan_by_pk = CompiledRead(
    lambda pk: SamplingPlan.objects.select_related("centre", "qualification", "iqa").filter(pk=pk)
)


def _plan_pk(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("No such plan.") from None


@dataclass
class SampleView:
    sample: SampleRecord
    as_iqa: bool
    as_eqa: bool
    as_assessor: bool


def get_sample_for(user, pk) -> SampleView:
    """A sample record for an IQA of its centre, the assessor it gave feedback to, or an EQA the learner is
    shared with (404 for anyone else)."""
    sample = get_object_or_404(
        SampleRecord.objects.select_related(
            "plan__centre",
            "plan__qualification",
            "registration__learner",
            "registration__centre",
            "iqa",
            "assessor",
            "countersigned_by",
        ),
        pk=pk,
    )
    as_iqa = iqa_centres(user).filter(pk=sample.plan.centre_id).exists()
    as_assessor = user.is_authenticated and (
        sample.assessor_id == user.pk or sample.actions.filter(assessor=user).exists()
    )
    as_eqa = sample_in_scope(
        eqa_scope(user, sample.plan.centre_id),
        sample.registration_id,
        sample.units.values_list("unit_id", flat=True),
    )
    if not (as_iqa or as_assessor or as_eqa):
        raise Http404("No such sample.")
    return SampleView(sample, as_iqa=as_iqa, as_eqa=as_eqa and not as_iqa, as_assessor=as_assessor)


def get_action_for(user, pk) -> Action:
    """An action for the assessor it was set for, or for an IQA of its centre (404 otherwise)."""
    return get_object_or_404(
        Action.objects.filter(Q(assessor=user) | Q(sample__plan__centre__in=iqa_centres(user))).select_related(
            "sample__registration__learner", "sample__plan__centre", "assessor"
        ),
        pk=pk,
    )


def get_centre_as_admin(user, pk) -> Centre:
    """A centre where the user is a centre admin; another centre is a 404, the wrong role a 403."""
    from centres.access import get_centre_for

    return get_centre_for(user, pk, Role.CENTRE_ADMIN)


def get_share_for_admin(user, pk) -> EqaShare:
    return get_object_or_404(
        EqaShare.objects.filter(centre__in=admin_centres(user)).select_related("centre", "eqa", "created_by"), pk=pk
    )


def active_shares_for_eqa(user) -> QuerySet[EqaShare]:
    return EqaShare.objects.filter(pk__in=active_eqa_share_items(user).values("share_id")).select_related("centre")


def get_share_for_pack(user, pk) -> EqaShare:
    """A share whose pack the user may ask for: a centre admin of its centre, or its EQA while it is active."""
    share = (
        EqaShare.objects.filter(
            Q(centre__in=admin_centres(user)) | Q(pk__in=active_eqa_share_items(user).values("share_id"))
        )
        .select_related("centre", "eqa")
        .filter(pk=pk)
        .first()
    )
    if share is None:
        raise Http404("No such share.")
    return share


@dataclass
class EqaRegistrationView:
    registration: Registration
    unit_ids: set[int] | None  # None: the whole registration is shared


def get_registration_for_eqa(user, pk) -> EqaRegistrationView:
    """A registration shared with the EQA by an active share, with the units shared (404 otherwise)."""
    items = list(active_eqa_share_items(user).filter(registration_id=pk).values_list("unit_id", flat=True))
    if not items:
        raise Http404("This learner is not shared with you.")
    registration = get_object_or_404(
        Registration.objects.select_related("centre", "learner", "qualification", "assessor", "iqa", "pathway"), pk=pk
    )
    unit_ids = None if None in items else set(items)
    return EqaRegistrationView(registration, unit_ids)


def get_claim_for_admin(user, pk) -> CertificationClaim:
    return get_object_or_404(
        CertificationClaim.objects.filter(registration__centre__in=admin_centres(user)).select_related(
            "registration__centre", "registration__learner"
        ),
        pk=pk,
    )


def get_registration_for_admin(user, pk) -> Registration:
    return get_object_or_404(
        Registration.objects.filter(centre__in=admin_centres(user)).select_related("centre", "learner"), pk=pk
    )


@dataclass
class ActivityView:
    activity: StandardisationActivity
    as_iqa: bool
    participant: StandardisationParticipant | None  # set when the user is an invited assessor
    as_eqa: bool
    evidence_shown: bool = True  # False for an EQA when the learner whose evidence was judged is not shared

    @property
    def may_see_judgements(self) -> bool:
        """The IQA once judging is closed; an assessor once they have submitted; the EQA (closed records only)."""
        if self.as_iqa:
            return self.activity.status != StandardisationActivity.Status.JUDGING
        if self.participant is not None:
            return self.participant.submitted_at is not None
        return self.as_eqa


def standardisation_for(user) -> QuerySet[StandardisationActivity]:
    """Activities the user takes part in: every one of their IQA centres, and those they are invited to judge."""
    if not user.is_authenticated:
        return StandardisationActivity.objects.none()
    invited = StandardisationParticipant.objects.filter(assessor=user).values("activity_id")
    return StandardisationActivity.objects.filter(Q(centre__in=iqa_centres(user)) | Q(pk__in=invited))


def get_activity_for(user, pk) -> ActivityView:
    """A standardisation activity for an IQA of its centre, an assessor invited to it, or (once closed) an EQA with
    an active share at its centre: the record is the centre's, about its assessors, and EQAs ask for it at every
    visit; the learner's evidence judged in it is shown to the EQA only if that learner is shared with them.
    Others of its centre (staff not invited, learners) get 403; anyone else 404."""
    activity = get_object_or_404(
        StandardisationActivity.objects.select_related(
            "centre", "qualification", "unit", "iqa", "closed_by", "evidence__registration__learner"
        ),
        pk=pk,
    )
    as_iqa = iqa_centres(user).filter(pk=activity.centre_id).exists()
    participant = (
        activity.participants.select_related("assessor").filter(assessor=user).first()
        if user.is_authenticated
        else None
    )
    if as_iqa or participant is not None:
        return ActivityView(activity, as_iqa=as_iqa, participant=participant, as_eqa=False)
    scope = eqa_scope(user, activity.centre_id) if activity.is_closed else {}
    if scope:
        shown = activity.evidence_id is None or sample_in_scope(
            scope, activity.evidence.registration_id, [activity.unit_id]
        )
        return ActivityView(activity, as_iqa=False, participant=None, as_eqa=True, evidence_shown=shown)
    works_there = centres_where(user).filter(pk=activity.centre_id).exists()
    learns_there = user.is_authenticated and Registration.objects.filter(learner=user, centre=activity.centre).exists()
    if works_there or learns_there:
        raise PermissionDenied("Only the centre's IQAs and the assessors invited take part in this standardisation.")
    raise Http404("No such standardisation activity.")


def eqa_standardisation(user, centre_id: int | None = None) -> QuerySet[StandardisationActivity]:
    """Closed activities an EQA may read: those of the centres with an active share to them."""
    items = active_eqa_share_items(user)
    if centre_id is not None:
        items = items.filter(share__centre_id=centre_id)
    return StandardisationActivity.objects.closed().filter(centre_id__in=items.values("share__centre_id"))
