"""The portfolio's answers to what the centres app asks (centres/hooks.py), registered in PortfolioConfig.ready():
who is registered at a centre, each person's caseload there, a trainee assessor's decisions that still wait
for countersignature, and the catalogue's version read with a signed-in person's session (the pages read the
catalogue through portfolio; qualifications and centres sit side by side and may not import each other)."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q, Subquery, UUIDField

from centres.models import Membership, Role
from centres.sessions import read_with_session
from qualifications.cache import remember_version_for_request
from qualifications.models import CatalogueVersion

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


def catalogue_version_with_session() -> dict:
    """Answers centres.hooks.session_user_values: the catalogue's version (qualifications.cache), so a signed-in
    page does not ask for it in a query of its own."""
    # As a UUID, whatever the database keeps it as (SQLite: hex without dashes), to match stored_version().
    version = read_with_session("catalogue_version", _catalogue_version, output_field=UUIDField())
    return {"catalogue_version": version}


def _catalogue_version() -> Subquery:
    return Subquery(CatalogueVersion.objects.filter(pk=1).values("token")[:1])


def remember_catalogue_version(user) -> None:
    """Answers centres.hooks.session_user_loaded: the version read with the session is this request's."""
    remember_version_for_request(getattr(user, "session_catalogue_version", None))
