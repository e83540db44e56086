"""Linking evidence to criteria on the learner's plan, and the criteria picker's all-or-nothing answer."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from centres.params import parse_id
from ledger.services import record as record_in_ledger
from portfolio.models import Evidence, EvidenceLink
from portfolio.services import PortfolioError
from portfolio.services.checks import criteria_on_plan, require_unlocked

from ._common import _event, _lock_evidence, _require_editable
from .cleaning import refuse_simulation_where_workplace_required
from .lifecycle import submit_evidence


@transaction.atomic
def link_criteria(*, actor, evidence: Evidence, add: Iterable = (), remove: Iterable = ()) -> tuple[int, int]:
    """Link the evidence to criteria on the learner's plan (any units at once) and unlink criteria not yet judged.
    Returns how many links were added and removed."""
    evidence = _lock_evidence(evidence)
    _require_editable(actor, evidence)
    registration = evidence.registration
    add_criteria = criteria_on_plan(registration, add)
    remove_criteria = criteria_on_plan(registration, remove)
    existing = {link.criterion_id: link for link in evidence.links.select_related("criterion")}
    to_add = [criterion for criterion in add_criteria if criterion.pk not in existing]
    if evidence.is_simulated:
        refuse_simulation_where_workplace_required(to_add)
    to_remove = []
    for criterion in remove_criteria:
        link = existing.get(criterion.pk)
        if link is None:
            continue
        if link.status != EvidenceLink.Status.PENDING or link.judged_at is not None:
            raise PortfolioError(
                _("%(reference)s %(code)s has been judged; it stays linked.")
                % {"reference": criterion.unit.reference, "code": criterion.code}
            )
        to_remove.append(link)
    require_unlocked(registration, {c.unit_id for c in to_add} | {link.criterion.unit_id for link in to_remove})
    for link in EvidenceLink.objects.bulk_create([EvidenceLink(evidence=evidence, criterion=c) for c in to_add]):
        record_in_ledger("link", link)
    for link in to_remove:
        record_in_ledger("unlink", link)
    if to_remove:
        EvidenceLink.objects.filter(pk__in=[link.pk for link in to_remove]).delete()
    if to_add:
        codes = [f"{c.unit.reference} {c.code}" for c in to_add]
        _event(
            "evidence.linked",
            evidence,
            actor,
            f"Linked evidence {evidence.reference} to {', '.join(codes)}",
            criteria=codes,
            criterion_ids=[c.pk for c in to_add],
        )
    if to_remove:
        codes = [f"{link.criterion.unit.reference} {link.criterion.code}" for link in to_remove]
        _event(
            "evidence.unlinked",
            evidence,
            actor,
            f"Unlinked evidence {evidence.reference} from {', '.join(codes)}",
            criteria=codes,
            criterion_ids=[link.criterion_id for link in to_remove],
        )
    return len(to_add), len(to_remove)


@transaction.atomic
def save_links(
    *, actor, evidence: Evidence, criterion_ids: Iterable, submit: bool = False, declaration: bool = False
) -> tuple[int, int]:
    """The picker's answer: link exactly the chosen criteria (judged links always stay), then submit if asked.
    All or nothing."""
    chosen = set()
    for raw in criterion_ids:
        criterion_id = parse_id(raw)
        if criterion_id is None:
            raise PortfolioError(_("One of the chosen criteria is not on this learner's plan; nothing was changed."))
        chosen.add(criterion_id)
    existing = dict(evidence.links.values_list("criterion_id", "status"))
    judged = {pk for pk, status in existing.items() if status != EvidenceLink.Status.PENDING}
    add = chosen - set(existing)
    remove = set(existing) - chosen - judged
    added, removed = link_criteria(actor=actor, evidence=evidence, add=sorted(add), remove=sorted(remove))
    if submit:
        submit_evidence(actor=actor, evidence=evidence, declaration=declaration)
    return added, removed
