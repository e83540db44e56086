"""Home page panels: for a learner, where each of their registrations stands, what is left and the latest
feedback; for an assessor, their queue, their learners' progress and what waits for their countersignature; for
centre staff, a centre admin's overview and work waiting, and an assessor's or IQA's caseload at each centre."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from centres.models import CompetenceStatus, Invitation, Membership, Role
from portfolio.models import CountersignStatus, CriterionDecision, EvidenceFile, EvidenceLink, Registration
from portfolio.progress import active_registrations_of, registration_progress
from portfolio.selectors import assessor_learners, latest_feedback, portfolio_page, queue_size
from portfolio.services.judgement import decisions_awaiting_countersignature, links_awaiting_countersignature

IDENTITY_SHOWN = 20
FAILING_FILES_SHOWN = 20


def _learner_panel(user) -> dict | None:
    registrations = active_registrations_of(user)
    if not registrations:
        return None
    # A learner holds one or two registrations: each page summary is a fixed number of queries.
    pages = [portfolio_page(registration, details=False) for registration in registrations]
    return {
        "template": "portfolio/_panel_learner.html",
        "order": 10,
        "pages": pages,
        "feedback": latest_feedback(registrations),
    }


def _assessor_panel(user) -> dict | None:
    learners = assessor_learners(user)
    progress = registration_progress(learners)
    countersigning = links_awaiting_countersignature(user).count() + decisions_awaiting_countersignature(user).count()
    return {
        "template": "portfolio/_panel_assessor.html",
        "order": 20,
        "queue_count": queue_size([registration.pk for registration in learners]),
        "learners": [(registration, progress[registration.pk]) for registration in learners],
        "countersigning": countersigning,
    }


TRAINEE_SHOWN = 10


def _trainee_panel(user) -> dict | None:
    """A trainee assessor's own decisions still waiting for their countersignatory, oldest first: two queries."""
    awaiting = CountersignStatus.AWAITING
    links = list(
        EvidenceLink.objects.filter(judged_by=user, countersign_status=awaiting)
        .select_related("evidence__registration__learner", "criterion__unit")
        .order_by("judged_at", "pk")[: TRAINEE_SHOWN + 1]
    )
    decisions = list(
        CriterionDecision.objects.filter(decided_by=user, countersign_status=awaiting)
        .select_related("registration__learner", "criterion__unit")
        .order_by("decided_at", "pk")[: TRAINEE_SHOWN + 1]
    )
    if not links and not decisions:
        return None
    return {
        "template": "portfolio/_panel_trainee.html",
        "order": 21,
        "links": links[:TRAINEE_SHOWN],
        "decisions": decisions[:TRAINEE_SHOWN],
        "more": len(links) > TRAINEE_SHOWN or len(decisions) > TRAINEE_SHOWN,
    }


def _identity_panel(user, roles) -> dict | None:
    """Who is waiting for an identity check: every learner at the admin's centres, and the assessor's own learners.
    Two queries however many learners wait."""
    admin_centres = roles.get(Role.CENTRE_ADMIN, [])
    assessor_centres = roles.get(Role.ASSESSOR, [])
    if not admin_centres and not assessor_centres:
        return None
    scope = Q(centre__in=admin_centres) | Q(centre__in=assessor_centres, assessor=user)
    waiting = Registration.objects.awaiting_identity_check().filter(scope)
    count = waiting.count()
    if not count:
        return None
    return {
        "template": "portfolio/_panel_identity.html",
        "order": 15,
        "count": count,
        "shown": list(
            waiting.select_related("learner", "qualification", "assessor", "centre").order_by("start_date", "pk")[
                :IDENTITY_SHOWN
            ]
        ),
        "list_centre": admin_centres[0] if len(admin_centres) == 1 else None,
    }


def _failing_files_panel(roles) -> dict | None:
    """For a centre admin: the evidence files whose last integrity check failed (portfolio.integrity), until a check
    finds them whole again. One query when there are none, two otherwise."""
    admin_centres = roles.get(Role.CENTRE_ADMIN, [])
    if not admin_centres:
        return None
    failing = EvidenceFile.objects.failing().filter(evidence__registration__centre__in=admin_centres)
    shown = list(
        failing.select_related("evidence__registration__learner", "evidence__registration__centre").order_by(
            "failing_since", "pk"
        )[: FAILING_FILES_SHOWN + 1]
    )
    if not shown:
        return None
    return {
        "template": "portfolio/_panel_failing_files.html",
        "order": 5,
        "count": len(shown) if len(shown) <= FAILING_FILES_SHOWN else failing.count(),
        "shown": shown[:FAILING_FILES_SHOWN],
        "several_centres": len(admin_centres) > 1,
    }


def _centre_staff_panels(user, roles) -> list[dict]:
    """A centre admin's overview and work waiting; an assessor's or IQA's caseload at each of their centres."""
    result = []
    for centre in roles.get(Role.CENTRE_ADMIN, []):
        active = Registration.objects.filter(centre=centre, status=Registration.Status.ACTIVE)
        today = timezone.localdate()
        needs_attention = Q(id_checked_on__isnull=True) | Q(planned_end_date__lt=today)
        counts = active.aggregate(
            learners=Count("learner", distinct=True),
            registrations=Count("id"),
            no_identity=Count("id", filter=Q(id_checked_on__isnull=True)),
            overdue=Count("id", filter=Q(planned_end_date__lt=today)),
            attention=Count("id", filter=needs_attention),
        )
        attention = list(
            active.filter(needs_attention)
            .select_related("learner", "qualification")
            .order_by("planned_end_date", "pk")[:10]
        )
        for registration in attention:
            registration.reasons = [
                reason
                for reason, applies in (
                    ("identity not checked", registration.id_checked_on is None),
                    ("past planned end date", registration.planned_end_date < today),
                )
                if applies
            ]
        pending = list(
            Invitation.objects.pending().filter(centre=centre).select_related("user").order_by("-created_at")[:10]
        )
        staff_count = Membership.objects.active().filter(centre=centre).values("user").distinct().count()
        result.append(
            {
                "template": "portfolio/_panel_centre_admin.html",
                "order": 10,
                "centre": centre,
                "counts": counts,
                "attention": attention,
                "attention_count": counts["attention"],
                "pending_invitations": pending,
                "staff_count": staff_count,
            }
        )
    caseload_roles = [(Role.ASSESSOR, "assessor"), (Role.IQA, "iqa")]
    for role, field in caseload_roles:
        centres = roles.get(role, [])
        if not centres:
            continue
        counts = dict(
            Registration.objects.filter(status=Registration.Status.ACTIVE, centre__in=centres, **{field: user})
            .values_list("centre_id")
            .annotate(n=Count("id"))
            .values_list("centre_id", "n")
        )
        memberships = {
            m.centre_id: m
            for m in Membership.objects.active()
            .filter(user=user, role=role, centre__in=centres)
            .select_related("countersignatory")
        }
        trainees = list(
            Membership.objects.active()
            .filter(countersignatory=user, role=role, centre__in=centres, status=CompetenceStatus.WORKING_TOWARDS)
            .select_related("user", "centre")
        )
        result.append(
            {
                "template": "portfolio/_panel_caseload.html",
                "order": 20 if role == Role.ASSESSOR else 30,
                "role": role,
                "role_label": gettext("Your learners")
                if role == Role.ASSESSOR
                else gettext("Learners you quality-assure"),
                "filter": field,
                "rows": [
                    {"centre": centre, "count": counts.get(centre.pk, 0), "membership": memberships.get(centre.pk)}
                    for centre in centres
                ],
                "trainees": trainees,
            }
        )
    return result


def panels(user, roles) -> list[dict]:
    result = _centre_staff_panels(user, roles)
    learner = _learner_panel(user)
    if learner:
        result.append(learner)
    if Role.ASSESSOR in roles:
        result.append(_assessor_panel(user))
        trainee = _trainee_panel(user)
        if trainee:
            result.append(trainee)
    identity = _identity_panel(user, roles)
    if identity:
        result.append(identity)
    failing_files = _failing_files_panel(roles)
    if failing_files:
        result.append(failing_files)
    return result
