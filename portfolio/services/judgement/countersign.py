"""The countersignature a trainee assessor's judgements and decisions need, and what awaits each countersignatory."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from centres import conflicts
from centres.access import access_profile, membership_for
from centres.models import Role, record_event
from core.compiled import CompiledCount, CompiledRead
from ledger.services import record as record_in_ledger
from portfolio.models import CountersignStatus, CriterionDecision, Evidence, EvidenceLink, Registration
from portfolio.services import AlreadyDone, NotAllowed, PortfolioError
from portfolio.services.checks import require_unlocked

from ._common import _criterion_label, _has_other_accepted, _met_decision


def supervised_pairs(user) -> list[tuple[int, int]]:
    """(trainee user id, centre id) for each trainee assessor whose decisions this user countersigns, at centres
    where this user is an active qualified assessor: from the person's roles, read once a request."""
    return list(access_profile(user).countersigned_assessors)


def _supervised_q(pairs, maker_field: str, centre_field: str) -> Q:
    scope = Q(pk__in=[])
    for user_id, centre_id in pairs:
        scope |= Q(**{maker_field: user_id, centre_field: centre_id})
    return scope


# What waits for a countersignatory: the judgements and decisions of the trainees they countersign for, each at the
# centre where they do. The (trainee, centre) pairs are given as two lists of the same length, so that the home
# page's reads are built once per process (core.compiled: lists padded alike pick no row with their padding).
def _pair_ids(pairs) -> dict[str, list[int]]:
    return {"maker_ids": [user_id for user_id, _ in pairs], "centre_ids": [centre_id for _, centre_id in pairs]}


def _links_awaiting(maker_ids, centre_ids):
    return EvidenceLink.objects.filter(
        _supervised_q(zip(maker_ids, centre_ids, strict=True), "judged_by_id", "evidence__registration__centre_id"),
        countersign_status=CountersignStatus.AWAITING,
    )


def _decisions_awaiting(maker_ids, centre_ids):
    return CriterionDecision.objects.filter(
        _supervised_q(zip(maker_ids, centre_ids, strict=True), "decided_by_id", "registration__centre_id"),
        countersign_status=CountersignStatus.AWAITING,
    )


_links_count = CompiledCount(_links_awaiting)
_decisions_count = CompiledCount(_decisions_awaiting)
_first_links = CompiledRead(
    lambda limit, **ids: (
        _links_awaiting(**ids).select_related("evidence", "judged_by").order_by("judged_at", "pk")[:limit]
    )
)
_first_decisions = CompiledRead(
    lambda limit, **ids: (
        _decisions_awaiting(**ids).select_related("criterion__unit", "decided_by").order_by("decided_at", "pk")[:limit]
    )
)


def links_awaiting_countersignature(user) -> QuerySet[EvidenceLink]:
    return _links_awaiting(**_pair_ids(supervised_pairs(user)))


def decisions_awaiting_countersignature(user) -> QuerySet[CriterionDecision]:
    return _decisions_awaiting(**_pair_ids(supervised_pairs(user)))


def awaiting_countersignature_count(user) -> int:
    """How many judgements and decisions wait for this user's countersignature."""
    pairs = supervised_pairs(user)
    if not pairs:
        return 0
    ids = _pair_ids(pairs)
    return _links_count(**ids) + _decisions_count(**ids)


def first_awaiting_countersignature(user, limit: int) -> tuple[list[EvidenceLink], list[CriterionDecision]]:
    """The oldest `limit` judgements and the oldest `limit` decisions waiting for this user's countersignature."""
    pairs = supervised_pairs(user)
    if not pairs:
        return [], []
    ids = _pair_ids(pairs)
    return _first_links(limit, **ids), _first_decisions(limit, **ids)


def _require_countersignatory(actor, maker, registration: Registration) -> None:
    membership = membership_for(maker, registration.centre_id, Role.ASSESSOR)
    qualified = membership_for(actor, registration.centre_id, Role.ASSESSOR)
    if (
        membership is None
        or membership.countersignatory_id != actor.pk
        or qualified is None
        or qualified.needs_countersignature
    ):
        raise NotAllowed(_("Only the qualified assessor named as this assessor's countersignatory may countersign."))
    problem = conflicts.own_decision_conflict(actor, maker) or conflicts.interest_conflict(
        actor, registration, conflicts.Act.COUNTERSIGN
    )
    if problem:
        raise NotAllowed(problem)


def _countersign(obj, *, actor, confirm: bool, note: str) -> None:
    note = (note or "").strip()
    if not confirm and not note:
        raise PortfolioError(_("Say why you overturn the decision; the assessor and the history keep your note."))
    obj.countersign_status = CountersignStatus.CONFIRMED if confirm else CountersignStatus.OVERTURNED
    obj.countersigned_by = actor
    obj.countersigned_at = timezone.now()
    obj.countersign_note = note


@transaction.atomic
def countersign_link(*, actor, link: EvidenceLink, confirm: bool, note: str = "") -> EvidenceLink:
    """Confirm a trainee's judgement of a link, or overturn it: the link then awaits review again."""
    link = (
        EvidenceLink.objects.select_for_update(of=("self",))
        .select_related("evidence__registration__centre", "criterion__unit", "judged_by")
        .get(pk=link.pk)
    )
    registration = link.evidence.registration
    if link.countersign_status != CountersignStatus.AWAITING:
        raise AlreadyDone(_("This judgement is not awaiting countersignature."), link)
    _require_countersignatory(actor, link.judged_by, registration)
    require_unlocked(registration, [link.criterion.unit_id])
    judged = link.get_status_display()
    if (
        not confirm
        and link.status == EvidenceLink.Status.ACCEPTED
        and _met_decision(registration.pk, link.criterion_id)
        and not _has_other_accepted(registration.pk, link.criterion_id, excluding_link=link.pk)
    ):
        raise PortfolioError(
            _("%(criterion_label)s is marked met on this evidence alone; overturn that decision first.")
            % {"criterion_label": _criterion_label(link.criterion)}
        )
    _countersign(link, actor=actor, confirm=confirm, note=note)
    if not confirm:
        link.status = EvidenceLink.Status.PENDING
        link.judged_at = None
    link.save()
    record_in_ledger("countersignature", link)
    record_event(
        action="link.countersigned",
        obj=link,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{'Confirmed' if confirm else 'Overturned'} “{judged}” of evidence {link.evidence.reference} for "
        f"{_criterion_label(link.criterion)}",
        evidence_reference=link.evidence.reference,
        evidence_version=link.evidence.version,
        criterion=_criterion_label(link.criterion),
        criterion_id=link.criterion_id,
        outcome=link.countersign_status,
        judged=judged,
        judged_by=link.judged_by_id,
        note=link.countersign_note,
    )
    return link


@transaction.atomic
def countersign_decision(*, actor, decision: CriterionDecision, confirm: bool, note: str = "") -> CriterionDecision:
    """Confirm a trainee's "met", or overturn it: the criterion is then not met."""
    decision = (
        CriterionDecision.objects.select_for_update(of=("self",))
        .select_related("registration__centre", "criterion__unit", "decided_by")
        .get(pk=decision.pk)
    )
    registration = decision.registration
    if decision.countersign_status != CountersignStatus.AWAITING:
        raise AlreadyDone(_("This decision is not awaiting countersignature."), decision)
    _require_countersignatory(actor, decision.decided_by, registration)
    require_unlocked(registration, [decision.criterion.unit_id])
    _countersign(decision, actor=actor, confirm=confirm, note=note)
    if not confirm:
        decision.is_met = False
    decision.save()
    record_in_ledger("countersignature", decision)
    record_event(
        action="decision.countersigned",
        obj=decision,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{'Confirmed' if confirm else 'Overturned'} “met” for {_criterion_label(decision.criterion)}",
        criterion=_criterion_label(decision.criterion),
        criterion_id=decision.criterion_id,
        outcome=decision.countersign_status,
        decided_by=decision.decided_by_id,
        met_on=decision.met_on.isoformat() if decision.met_on else None,
        note=decision.countersign_note,
    )
    return decision


@transaction.atomic
def countersign_evidence(*, actor, evidence: Evidence, note: str = "") -> tuple[int, int]:
    """Confirm, in one action, every judgement of this evidence and every "met" of its criteria that waits for this
    countersignatory; each is confirmed (and recorded in the history) as countersign_link and
    countersign_decision do one by one. Overturning stays one decision at a time, with its reason. All or nothing.
    Returns (judgements confirmed, decisions confirmed)."""
    links = list(links_awaiting_countersignature(actor).filter(evidence=evidence).order_by("pk"))
    decisions = list(
        decisions_awaiting_countersignature(actor)
        .filter(
            registration_id=evidence.registration_id,
            criterion_id__in=evidence.links.values("criterion_id"),
        )
        .order_by("pk")
    )
    if not links and not decisions:
        raise AlreadyDone(_("Nothing on this evidence waits for your countersignature."), evidence)
    for link in links:
        countersign_link(actor=actor, link=link, confirm=True, note=note)
    for decision in decisions:
        countersign_decision(actor=actor, decision=decision, confirm=True, note=note)
    return len(links), len(decisions)
