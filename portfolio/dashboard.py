"""Home page panels: for a learner, where each of their registrations stands, what is left and the latest
feedback; for an assessor, their queue, their learners' progress and what waits for their countersignature; for
centre staff, a centre admin's overview and work waiting, and an assessor's or IQA's caseload at each centre."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from centres.models import CompetenceStatus, Invitation, Membership, Role
from core.compiled import CompiledCount, CompiledRead
from portfolio.models import CountersignStatus, CriterionDecision, EvidenceFile, EvidenceLink, Registration
from portfolio.progress import active_registrations_of, registration_progress
from portfolio.selectors import assessor_learners, latest_feedback, portfolio_page, queue_size
from portfolio.services.judgement import awaiting_countersignature_count

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
    countersigning = awaiting_countersignature_count(user)
    return {
        "template": "portfolio/_panel_assessor.html",
        "order": 20,
        "queue_count": queue_size([registration.pk for registration in learners]),
        "learners": [(registration, progress[registration.pk]) for registration in learners],
        "countersigning": countersigning,
    }


TRAINEE_SHOWN = 10

# The home page's reads below, each with its SQL built once per process (core.compiled): a limit, then ids.
_trainee_links = CompiledRead(
    lambda limit, user_id: (
        EvidenceLink.objects.filter(judged_by_id=user_id, countersign_status=CountersignStatus.AWAITING)
        .select_related("evidence__registration__learner", "criterion__unit")
        .order_by("judged_at", "pk")[:limit]
    )
)
_trainee_decisions = CompiledRead(
    lambda limit, user_id: (
        CriterionDecision.objects.filter(decided_by_id=user_id, countersign_status=CountersignStatus.AWAITING)
        .select_related("registration__learner", "criterion__unit")
        .order_by("decided_at", "pk")[:limit]
    )
)


def _trainee_panel(user) -> dict | None:
    """A trainee assessor's own decisions still waiting for their countersignatory, oldest first: two queries."""
    links = _trainee_links(TRAINEE_SHOWN + 1, user_id=user.pk)
    decisions = _trainee_decisions(TRAINEE_SHOWN + 1, user_id=user.pk)
    if not links and not decisions:
        return None
    return {
        "template": "portfolio/_panel_trainee.html",
        "order": 21,
        "links": links[:TRAINEE_SHOWN],
        "decisions": decisions[:TRAINEE_SHOWN],
        "more": len(links) > TRAINEE_SHOWN or len(decisions) > TRAINEE_SHOWN,
    }


def _awaiting_identity(**scope):
    # Each part of the scope only when the person has it (an empty part would drop out of the SQL).
    parts = Q(pk__in=[])
    if "admin_centre_ids" in scope:
        parts |= Q(centre_id__in=scope["admin_centre_ids"])
    if "assessor_centre_ids" in scope:
        parts |= Q(centre_id__in=scope["assessor_centre_ids"], assessor_id=scope["user_id"])
    return Registration.objects.awaiting_identity_check().filter(parts)


_awaiting_identity_count = CompiledCount(_awaiting_identity)
_awaiting_identity_first = CompiledRead(
    lambda limit, **scope: (
        _awaiting_identity(**scope)
        .select_related("learner", "qualification", "assessor", "centre")
        .order_by("start_date", "pk")[:limit]
    )
)


def _identity_panel(user, roles) -> dict | None:
    """Who is waiting for an identity check: every learner at the admin's centres, and the assessor's own learners.
    Two queries however many learners wait."""
    admin_centres = roles.get(Role.CENTRE_ADMIN, [])
    assessor_centres = roles.get(Role.ASSESSOR, [])
    if not admin_centres and not assessor_centres:
        return None
    scope = {}
    if admin_centres:
        scope["admin_centre_ids"] = [centre.pk for centre in admin_centres]
    if assessor_centres:
        scope.update(assessor_centre_ids=[centre.pk for centre in assessor_centres], user_id=user.pk)
    count = _awaiting_identity_count(**scope)
    if not count:
        return None
    return {
        "template": "portfolio/_panel_identity.html",
        "order": 15,
        "count": count,
        "shown": _awaiting_identity_first(IDENTITY_SHOWN, **scope),
        "list_centre": admin_centres[0] if len(admin_centres) == 1 else None,
    }


def _failing_files(centre_ids):
    return EvidenceFile.objects.failing().filter(evidence__registration__centre_id__in=centre_ids)


# Asked on every centre admin's home page, and nearly always empty: SQL built once per process (core.compiled).
_first_failing_files = CompiledRead(
    lambda limit, centre_ids: (
        _failing_files(centre_ids)
        .select_related("evidence__registration__learner", "evidence__registration__centre")
        .order_by("failing_since", "pk")[:limit]
    )
)


def _failing_files_panel(roles) -> dict | None:
    """For a centre admin: the evidence files whose last integrity check failed (portfolio.integrity), until a check
    finds them whole again. One query when there are none, two otherwise."""
    admin_centres = roles.get(Role.CENTRE_ADMIN, [])
    if not admin_centres:
        return None
    centre_ids = [centre.pk for centre in admin_centres]
    shown = _first_failing_files(FAILING_FILES_SHOWN + 1, centre_ids=centre_ids)
    if not shown:
        return None
    return {
        "template": "portfolio/_panel_failing_files.html",
        "order": 5,
        "count": len(shown) if len(shown) <= FAILING_FILES_SHOWN else _failing_files(centre_ids).count(),
        "shown": shown[:FAILING_FILES_SHOWN],
        "several_centres": len(admin_centres) > 1,
    }


# An assessor's or IQA's caseload at each of their centres: by the role (and the registration's field naming the
# person), then the centres' and the person's ids.
_caseload_counts = CompiledRead(
    lambda field, centre_ids, user_id: (
        Registration.objects.filter(status=Registration.Status.ACTIVE, centre_id__in=centre_ids, **{field: user_id})
        .values_list("centre_id")
        .annotate(n=Count("id"))
        .values_list("centre_id", "n")
    )
)
_own_memberships = CompiledRead(
    lambda role, centre_ids, user_id: (
        Membership.objects.active()
        .filter(user_id=user_id, role=role, centre_id__in=centre_ids)
        .select_related("countersignatory")
    )
)
_trainees_countersigned = CompiledRead(
    lambda role, centre_ids, user_id: (
        Membership.objects.active()
        .filter(
            countersignatory_id=user_id,
            role=role,
            centre_id__in=centre_ids,
            status=CompetenceStatus.WORKING_TOWARDS,
        )
        .select_related("user", "centre")
    )
)


# A centre admin's overview: its active learners' counts, the first few needing attention, pending invitations and
# the staff, each read with SQL built once per process (core.compiled).
_ADMIN_COUNTS = ("learners", "registrations", "no_identity", "overdue", "attention")


def _active_at(centre_id: int):
    return Registration.objects.filter(centre_id=centre_id, status=Registration.Status.ACTIVE)


def _needs_attention(today) -> Q:
    return Q(id_checked_on__isnull=True) | Q(planned_end_date__lt=today)


_admin_counts = CompiledRead(
    lambda centre_id, today: (
        _active_at(centre_id)
        .order_by()
        .values("status")
        .annotate(
            learners=Count("learner", distinct=True),
            registrations=Count("id"),
            no_identity=Count("id", filter=Q(id_checked_on__isnull=True)),
            overdue=Count("id", filter=Q(planned_end_date__lt=today)),
            attention=Count("id", filter=_needs_attention(today)),
        )
        .values_list(*_ADMIN_COUNTS)
    )
)
_needing_attention = CompiledRead(
    lambda limit, centre_id, today: (
        _active_at(centre_id)
        .filter(_needs_attention(today))
        .select_related("learner", "qualification")
        .order_by("planned_end_date", "pk")[:limit]
    )
)
_pending_invitations = CompiledRead(
    lambda limit, centre_id, now: (
        Invitation.objects.pending(now)
        .filter(centre_id=centre_id)
        .select_related("user")
        .order_by("-created_at")[:limit]
    )
)
_staff_count = CompiledCount(lambda centre_id: Membership.objects.active().filter(centre_id=centre_id), distinct="user")


def _centre_staff_panels(user, roles) -> list[dict]:
    """A centre admin's overview and work waiting; an assessor's or IQA's caseload at each of their centres."""
    result = []
    today = timezone.localdate()
    for centre in roles.get(Role.CENTRE_ADMIN, []):
        found = _admin_counts(centre_id=centre.pk, today=today)
        counts = dict(zip(_ADMIN_COUNTS, found[0] if found else (0,) * len(_ADMIN_COUNTS), strict=True))
        attention = _needing_attention(10, centre_id=centre.pk, today=today)
        for registration in attention:
            registration.reasons = [
                reason
                for reason, applies in (
                    ("identity not checked", registration.id_checked_on is None),
                    ("past planned end date", registration.planned_end_date < today),
                )
                if applies
            ]
        pending = _pending_invitations(10, centre_id=centre.pk, now=timezone.now())
        staff_count = _staff_count(centre_id=centre.pk)
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
        centre_ids = [centre.pk for centre in centres]
        counts = dict(_caseload_counts(field, centre_ids=centre_ids, user_id=user.pk))
        memberships = {m.centre_id: m for m in _own_memberships(role, centre_ids=centre_ids, user_id=user.pk)}
        trainees = _trainees_countersigned(role, centre_ids=centre_ids, user_id=user.pk)
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
