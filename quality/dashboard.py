"""Home-page panels: an IQA's plans, proposed samples and actions to close; an assessor's actions to complete;
an EQA's active shares; a centre admin's learners ready to claim."""

from django.db.models import Count
from django.utils import timezone

from centres.models import Role
from portfolio.access import active_eqa_share_items
from portfolio.models import Registration

from .models import Action, SamplingPlan
from .services.certification import CertificationState, certification_status
from .services.coverage import coverage, propose_samples

PROPOSALS_SHOWN = 3


def panels(user, roles) -> list[dict]:
    result = []
    today = timezone.localdate()
    if roles.get(Role.IQA):
        plans = list(
            SamplingPlan.objects.covering(today)
            .filter(iqa=user, centre__in=roles[Role.IQA])
            .select_related("centre", "qualification", "iqa")
            .order_by("qualification__title")
        )
        rows = []
        for plan in plans:
            cover = coverage(plan)
            rows.append(
                {
                    "plan": plan,
                    "gaps": cover.gap_count,
                    "proposals": propose_samples(plan, iqa=user, cover=cover)[:PROPOSALS_SHOWN],
                }
            )
        to_close = list(
            Action.objects.awaiting_close()
            .filter(sample__plan__centre__in=roles[Role.IQA])
            .exclude(assessor=user)
            .select_related("assessor", "sample__registration__learner")
            .order_by("completed_at")[:10]
        )
        overdue = (
            Action.objects.awaiting_assessor()
            .filter(sample__plan__centre__in=roles[Role.IQA], due_on__lt=today)
            .count()
        )
        result.append(
            {"template": "quality/panels/iqa.html", "order": 25, "rows": rows, "to_close": to_close, "overdue": overdue}
        )
    if roles.get(Role.ASSESSOR):
        actions = list(
            Action.objects.awaiting_assessor()
            .filter(assessor=user)
            .select_related("sample__registration__learner", "sample__iqa")
            .order_by("due_on")[:10]
        )
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
        statuses = certification_status(Registration.objects.filter(centre=centre).only("pk")).values()
        counts = {state: 0 for state in (CertificationState.READY, CertificationState.NOT_READY)}
        for status in statuses:
            if status.state in counts:
                counts[status.state] += 1
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
