"""What the assessor's queue reads: the learners they assess, the evidence waiting for them (the queue's rule
named once, `awaiting_review`), and the judgements waiting for a countersignatory."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from centres.access import access_profile
from centres.models import Role
from core.compiled import CompiledCount, CompiledRead
from qualifications.cache import catalogue

from ..models import CriterionDecision, Evidence, EvidenceFile, EvidenceLink, Registration
from .methods import _give_methods, _method_ids_of


def _with_link_counts_by_subquery(evidence: QuerySet[Evidence]) -> QuerySet[Evidence]:
    """The same counts as _with_link_counts, each from its own indexed lookup by evidence: no links x files join
    to fan out and collapse again with COUNT(DISTINCT)."""

    def count_of(model, **filters):
        rows = model.objects.filter(evidence=OuterRef("pk"), **filters).order_by().values("evidence")
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

    return evidence.annotate(
        links_total=count_of(EvidenceLink),
        links_pending=count_of(EvidenceLink, status=EvidenceLink.Status.PENDING),
        links_accepted=count_of(EvidenceLink, status=EvidenceLink.Status.ACCEPTED),
        links_rejected=count_of(EvidenceLink, status=EvidenceLink.Status.REJECTED),
        files_total=count_of(EvidenceFile),
    )


def assessor_registrations(user) -> QuerySet[Registration]:
    """The active registrations this user assesses, at the centres where they hold an assessor role."""
    return _assessed_by(user.pk, access_profile(user).centre_ids(Role.ASSESSOR))


def _assessed_by(user_id: int, centre_ids) -> QuerySet[Registration]:
    return Registration.objects.filter(assessor_id=user_id, centre_id__in=centre_ids, status=Registration.Status.ACTIVE)


def assessor_queue(user, registration_ids: list[int] | None = None) -> QuerySet[Evidence]:
    """Submitted evidence waiting for the assessor, oldest first, for the learners this user assesses: links awaiting
    review, or (a witness testimony, say) no links yet.

    Pass the ids of assessor_registrations(user) when the page has them already: the evidence is then looked up
    through those few registrations rather than by scanning every submitted evidence at the centre."""
    if registration_ids is None:
        registration_ids = assessor_registrations(user).values("pk")
    return (
        _with_link_counts_by_subquery(awaiting_review(registration_ids))
        .select_related("registration__learner", "registration__qualification")
        .prefetch_related("methods")
        .order_by("submitted_at", "pk")
    )


def awaiting_review(registration_ids) -> QuerySet[Evidence]:
    """The rule of the assessor's queue: current, submitted evidence of these registrations (ids, or a subquery of
    them) with links awaiting review, or (a witness testimony, say) no links yet."""
    links = EvidenceLink.objects.filter(evidence=OuterRef("pk"))
    return (
        Evidence.objects.current()
        .filter(registration_id__in=registration_ids, status=Evidence.Status.SUBMITTED)
        .filter(Q(Exists(links.filter(status=EvidenceLink.Status.PENDING))) | ~Q(Exists(links)))
    )


def queue_size(registration_ids: list[int]) -> int:
    """How many pieces the assessor's queue holds for these registrations (SQL built once per process)."""
    if not registration_ids:
        return 0
    return _queue_size(registration_ids=sorted(registration_ids))


_queue_size = CompiledCount(awaiting_review)


def queue_head(user, limit: int) -> list[Evidence]:
    """The oldest `limit` pieces of the assessor's queue with their learners, for a home page's list (SQL built
    once per process; no counts, no methods)."""
    centre_ids = access_profile(user).centre_ids(Role.ASSESSOR)
    if not centre_ids:
        return []
    return _queue_head(limit, user_id=user.pk, centre_ids=sorted(centre_ids))


_queue_head = CompiledRead(
    lambda limit, user_id, centre_ids: (
        awaiting_review(_assessed_by(user_id, centre_ids).values("pk"))
        .select_related("registration__learner")
        .order_by("submitted_at", "pk")[:limit]
    )
)


def assessor_learners(user) -> list[Registration]:
    """assessor_registrations(user) with their learner, qualification and pathway, by learner's name (the
    qualification and pathway from the catalogue held in memory, read-only: a caseload shares a few)."""
    registrations = _assessor_learners(user_id=user.pk, centre_ids=access_profile(user).centre_ids(Role.ASSESSOR))
    held = catalogue()
    for registration in registrations:
        registration.qualification = held.qualifications[registration.qualification_id]
        registration.pathway = held.pathways[registration.pathway_id] if registration.pathway_id is not None else None
    return registrations


_assessor_learners = CompiledRead(
    lambda user_id, centre_ids: (
        _assessed_by(user_id, centre_ids).select_related("learner").order_by("learner__full_name")
    )
)


def waiting_evidence(registration_ids: list[int], limit: int) -> list[Evidence]:
    """The oldest `limit` pieces of assessor_queue() of these registrations, without their registrations (the
    page has them), with their methods: the pieces' method ids read, the methods taken from the catalogue."""
    items = _waiting_evidence(limit, registration_ids=sorted(registration_ids))
    method_ids: dict[int, set[int]] = {item.pk: set() for item in items}
    if items:
        for evidence_id, method_id in _method_ids_of(evidence_ids=list(method_ids)):
            method_ids[evidence_id].add(method_id)
    for item in items:
        _give_methods(item, method_ids[item.pk])
    return items


_waiting_evidence = CompiledRead(
    lambda limit, registration_ids: (
        assessor_queue(None, registration_ids).select_related(None).prefetch_related(None)[:limit]
    )
)


def countersign_queue(user) -> tuple[list[EvidenceLink], list[CriterionDecision]]:
    from ..services.judgement import decisions_awaiting_countersignature, links_awaiting_countersignature

    links = list(
        links_awaiting_countersignature(user)
        .select_related(
            "evidence__registration__learner", "criterion__unit", "judged_by", "evidence__registration__qualification"
        )
        .order_by("judged_at", "pk")
    )
    decisions = list(
        decisions_awaiting_countersignature(user)
        .select_related("registration__learner", "criterion__unit", "decided_by", "registration__qualification")
        .order_by("decided_at", "pk")
    )
    return links, decisions
