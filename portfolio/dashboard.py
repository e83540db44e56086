"""Home page panels: for a learner, where each of their registrations stands, what is left and the latest
feedback; for an assessor, their queue, their learners' progress and what waits for their countersignature."""

from __future__ import annotations

from centres.models import Role
from portfolio.models import Registration
from portfolio.progress import registration_progress
from portfolio.selectors import assessor_queue, latest_feedback, portfolio_page
from portfolio.services.judgement import decisions_awaiting_countersignature, links_awaiting_countersignature

OLDEST_SHOWN = 5


def _learner_panel(user) -> dict | None:
    registrations = list(
        Registration.objects.filter(learner=user, status=Registration.Status.ACTIVE).select_related(
            "qualification", "centre", "assessor", "pathway", "learner"
        )
    )
    if not registrations:
        return None
    # A learner holds one or two registrations: each page summary is a fixed number of queries.
    pages = [portfolio_page(registration) for registration in registrations]
    return {
        "template": "portfolio/_panel_learner.html",
        "order": 10,
        "pages": pages,
        "feedback": latest_feedback(registrations),
    }


def _assessor_panel(user) -> dict | None:
    queue = assessor_queue(user)
    learners = list(
        Registration.objects.filter(
            assessor=user,
            status=Registration.Status.ACTIVE,
            centre_id__in=user.memberships.filter(role=Role.ASSESSOR, is_active=True).values("centre_id"),
        )
        .select_related("learner", "qualification")
        .order_by("learner__full_name")
    )
    progress = registration_progress(learners)
    countersigning = links_awaiting_countersignature(user).count() + decisions_awaiting_countersignature(user).count()
    return {
        "template": "portfolio/_panel_assessor.html",
        "order": 20,
        "queue_count": queue.count(),
        "oldest": list(queue[:OLDEST_SHOWN]),
        "learners": [(registration, progress[registration.pk]) for registration in learners],
        "countersigning": countersigning,
    }


def panels(user, roles) -> list[dict]:
    result = []
    learner = _learner_panel(user)
    if learner:
        result.append(learner)
    if Role.ASSESSOR in roles:
        result.append(_assessor_panel(user))
    return result
