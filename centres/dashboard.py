"""Home-page panels for centre staff: a centre admin's overview and work waiting; an assessor's or IQA's caseload."""

from django.db.models import Count, Q
from django.utils import timezone

from .models import CompetenceStatus, Invitation, Membership, Role


def panels(user, roles) -> list[dict]:
    from portfolio.models import Registration  # portfolio builds on centres: import late to keep the arrow

    result = []
    for centre in roles.get(Role.CENTRE_ADMIN, []):
        active = Registration.objects.filter(centre=centre, status=Registration.Status.ACTIVE)
        today = timezone.localdate()
        counts = active.aggregate(
            learners=Count("learner", distinct=True),
            registrations=Count("id"),
            no_identity=Count("id", filter=Q(id_checked_on__isnull=True)),
            overdue=Count("id", filter=Q(planned_end_date__lt=today)),
        )
        attention = list(
            active.filter(Q(id_checked_on__isnull=True) | Q(planned_end_date__lt=today))
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
                "template": "centres/panels/centre_admin.html",
                "order": 10,
                "centre": centre,
                "counts": counts,
                "attention": attention,
                "attention_count": active.filter(Q(id_checked_on__isnull=True) | Q(planned_end_date__lt=today)).count(),
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
                "template": "centres/panels/caseload.html",
                "order": 20 if role == Role.ASSESSOR else 30,
                "role": role,
                "role_label": "Your learners" if role == Role.ASSESSOR else "Learners you quality-assure",
                "filter": field,
                "rows": [
                    {"centre": centre, "count": counts.get(centre.pk, 0), "membership": memberships.get(centre.pk)}
                    for centre in centres
                ],
                "trainees": trainees,
            }
        )
    return result
