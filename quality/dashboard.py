"""Home-page panels: an IQA's plans, proposed samples and actions to close; the samples an IQA countersigns for
a trainee IQA, and a trainee IQA's own samples awaiting countersignature or returned; an assessor's actions to
complete; an EQA's active shares; a centre admin's learners ready to claim; a learner's certificate claims."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from centres.models import Role
from core.compiled import CompiledCount, CompiledRead
from portfolio.access import active_eqa_share_items
from portfolio.models import CountersignStatus, Registration
from portfolio.progress import active_registrations_of

from .models import Action, CertificationClaim, SampleRecord, SamplingPlan
from .services.certification import CertificationState
from .services.countersign import first_samples_awaiting_countersignature
from .services.coverage import coverage, propose_samples
from .services.readiness import readiness_counts

PROPOSALS_SHOWN = 3
COUNTERSIGN_SHOWN = 10
RETURNED_SHOWN_DAYS = 30  # a trainee IQA sees the samples returned to them (with the note) for this long


# SQL built once per process (core.compiled): asked on the home page of everyone who may have been a learner.
_claims_of = CompiledRead(
    lambda learner_id: (
        CertificationClaim.objects.filter(registration__learner_id=learner_id)
        .select_related("registration__qualification", "registration__centre")
        .prefetch_related("units")
        .order_by("-claimed_at", "-pk")
    )
)
_assessor_actions = CompiledRead(
    lambda limit, assessor_id: (
        Action.objects.awaiting_assessor()
        .filter(assessor_id=assessor_id)
        .select_related("sample__registration__learner", "sample__iqa")
        .order_by("due_on")[:limit]
    )
)


# An IQA's panel: the plans covering today, completed actions to close (not their own as an assessor), overdue
# actions, and their own samples awaiting countersignature or lately returned.
_current_plans = CompiledRead(
    lambda iqa_id, centre_ids, today: (
        SamplingPlan.objects.covering(today)
        .filter(iqa_id=iqa_id, centre_id__in=centre_ids)
        .select_related("centre", "qualification", "iqa")
        .order_by("qualification__title")
    )
)
_actions_to_close = CompiledRead(
    lambda limit, centre_ids, iqa_id: (
        Action.objects.awaiting_close()
        .filter(sample__plan__centre_id__in=centre_ids)
        .exclude(assessor_id=iqa_id)
        .select_related("assessor", "sample__registration__learner")
        .order_by("completed_at")[:limit]
    )
)
_overdue_actions = CompiledCount(
    lambda centre_ids, today: Action.objects.awaiting_assessor().filter(
        sample__plan__centre_id__in=centre_ids, due_on__lt=today
    )
)
_own_samples = CompiledRead(
    lambda limit, iqa_id, since: (
        SampleRecord.objects.filter(iqa_id=iqa_id)
        .filter(
            Q(countersign_status=CountersignStatus.AWAITING)
            | Q(countersign_status=CountersignStatus.OVERTURNED, countersigned_at__gte=since)
        )
        .select_related("registration__learner", "countersigned_by")
        .order_by("-sampled_at", "-pk")[:limit]
    )
)


def _learner_panel(user) -> dict | None:
    """The learner's certificate claims: what the centre claimed for them, when, and the certificate date."""
    registrations = active_registrations_of(user)
    if registrations and not any(registration.learner_has_claims for registration in registrations):
        return None  # read with the registrations (quality.hooks.learner_has_claims): no query for none
    claims = _claims_of(learner_id=user.pk)
    if not claims:
        return None
    return {"template": "quality/panels/learner.html", "order": 11, "claims": claims}


def panels(user, roles) -> list[dict]:
    result = []
    learner = _learner_panel(user)
    if learner is not None:
        result.append(learner)
    today = timezone.localdate()
    if roles.get(Role.IQA):
        centre_ids = [centre.pk for centre in roles[Role.IQA]]
        plans = _current_plans(iqa_id=user.pk, centre_ids=centre_ids, today=today)
        rows = []
        for plan in plans:
            cover = coverage(plan)
            rows.append(
                {
                    "plan": plan,
                    "gaps": cover.gap_count,
                    "assessors": cover.assessors,  # sampling progress against plan, drawn as bars
                    "proposals": propose_samples(plan, iqa=user, cover=cover)[:PROPOSALS_SHOWN],
                }
            )
        to_close = _actions_to_close(10, centre_ids=centre_ids, iqa_id=user.pk)
        overdue = _overdue_actions(centre_ids=centre_ids, today=today)
        result.append(
            {"template": "quality/panels/iqa.html", "order": 25, "rows": rows, "to_close": to_close, "overdue": overdue}
        )
        countersign = _countersign_panel(user)
        if countersign is not None:
            result.append(countersign)
    if roles.get(Role.ASSESSOR):
        actions = _assessor_actions(10, assessor_id=user.pk)
        if actions:
            result.append({"template": "quality/panels/assessor.html", "order": 22, "actions": actions})
    if roles.get("eqa"):
        shares = (
            active_eqa_share_items(user)
            .values("share_id", "share__centre__name", "share__ends_on")
            .annotate(learners=Count("registration", distinct=True))
            .order_by("share__ends_on")
        )
        result.append({"template": "quality/panels/eqa.html", "order": 15, "shares": list(shares)})
    for centre in roles.get(Role.CENTRE_ADMIN, []):
        counts = readiness_counts(Registration.objects.filter(centre=centre))
        result.append(
            {
                "template": "quality/panels/centre_admin.html",
                "order": 12,
                "centre": centre,
                "ready": counts[CertificationState.READY],
                "not_ready": counts[CertificationState.NOT_READY],
            }
        )
    return result


def _countersign_panel(user) -> dict | None:
    """Samples waiting for this IQA's countersignature, and this IQA's own samples awaiting it or lately returned."""
    waiting = first_samples_awaiting_countersignature(user, COUNTERSIGN_SHOWN + 1)
    since = timezone.now() - dt.timedelta(days=RETURNED_SHOWN_DAYS)
    own = _own_samples(COUNTERSIGN_SHOWN, iqa_id=user.pk, since=since)
    if not (waiting or own):
        return None
    return {
        "template": "quality/panels/countersign.html",
        "order": 24,
        "waiting": waiting[:COUNTERSIGN_SHOWN],
        "more_waiting": len(waiting) > COUNTERSIGN_SHOWN,
        "own_awaiting": [sample for sample in own if sample.awaiting_countersignature],
        "own_returned": [sample for sample in own if sample.returned],
    }
