"""Rules of combination: can a learner's chosen units (and pathway) achieve a qualification, and if not, why.

Mandatory units are always on a learner's plan, and so is every unit of an "all units" qualification:
the caller passes only what the learner chose (or the whole plan; mandatory units in it are harmless).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from qualifications.models import Pathway, Qualification, QualificationUnit, Unit


@dataclass(frozen=True)
class CombinationResult:
    achievable: bool
    reasons: list[str]  # plain words for a centre admin, empty when achievable
    credits: int | None  # total credit of the units on the plan (None if the units give no credit)
    optional_credits: int | None  # credit of the chosen optional units (None if the optional units give none)
    glh: int | None  # total guided learning hours of the units on the plan


def _memberships(qualification: Qualification) -> list[QualificationUnit]:
    """The qualification's units in printed order, each with its unit and group, in one query.

    Uses `qualification.memberships` when the caller prefetched it (with its unit and group)."""
    cache = getattr(qualification, "_prefetched_objects_cache", {})
    if "memberships" in cache:
        return list(cache["memberships"])
    return list(
        QualificationUnit.objects.filter(qualification=qualification)
        .select_related("unit", "group")
        .order_by("order", "pk")
    )


def _pathways(qualification: Qualification) -> list[Pathway]:
    cache = getattr(qualification, "_prefetched_objects_cache", {})
    if "pathways" in cache:
        return sorted(cache["pathways"], key=lambda p: p.name)
    return list(qualification.pathways.order_by("name"))


def _is_required(qualification: Qualification, membership: QualificationUnit) -> bool:
    return qualification.all_units or membership.mandatory


def _reference(unit: Unit | str) -> str:
    return unit.reference if isinstance(unit, Unit) else str(unit).strip()


def _total(values: Iterable[int | None]) -> int | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _or_list(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def mandatory_units(qualification: Qualification) -> list[Unit]:
    """Units every learner on the qualification takes, in printed order."""
    return [m.unit for m in _memberships(qualification) if _is_required(qualification, m)]


def optional_units(qualification: Qualification) -> list[Unit]:
    """Units a learner may choose, in printed order (none for an "all units" qualification)."""
    return [m.unit for m in _memberships(qualification) if not _is_required(qualification, m)]


def plan_for(qualification: Qualification, chosen_units: Iterable[Unit | str]) -> list[Unit]:
    """The learner's full list of units: the mandatory ones and the chosen ones, in printed order.

    Every unit for an "all units" qualification; chosen units that are not part of the qualification
    are left out (check_combination reports them)."""
    chosen = {_reference(unit) for unit in chosen_units}
    return [m.unit for m in _memberships(qualification) if _is_required(qualification, m) or m.unit.reference in chosen]


def check_combination(
    *,
    qualification: Qualification,
    units: Iterable[Unit | str],
    pathway: Pathway | str | None = None,
) -> CombinationResult:
    """Say whether the chosen units (and pathway) can achieve the qualification, and if not, why."""
    memberships = _memberships(qualification)
    by_reference = {m.unit.reference: m for m in memberships}
    reasons: list[str] = []

    chosen: set[str] = set()
    for unit in units:
        reference = _reference(unit)
        if reference in chosen:
            continue
        chosen.add(reference)
        if reference not in by_reference:
            reasons.append(f"{reference} is not a unit of this qualification")

    pathways = _pathways(qualification)
    if pathway is None or pathway == "":
        if pathways:
            names = _or_list([p.name for p in pathways])
            reasons.append(f"Choose the learner's pathway: {names}")
    else:
        code = pathway.code if isinstance(pathway, Pathway) else str(pathway)
        if code not in {p.code for p in pathways}:
            if not isinstance(pathway, Pathway):
                pathway = Pathway.objects.filter(code=code).first() or Pathway(code=code, name=code)
            reasons.append(f"{pathway.name} is not a pathway of this qualification")

    on_plan = [m for m in memberships if _is_required(qualification, m) or m.unit.reference in chosen]
    optional_on_plan = [m for m in on_plan if not _is_required(qualification, m)]

    group_counts: dict[int, int] = {}
    for membership in optional_on_plan:
        if membership.group_id is not None:
            group_counts[membership.group_id] = group_counts.get(membership.group_id, 0) + 1
    groups = {m.group_id: m.group for m in memberships if m.group_id is not None}
    for group in sorted(groups.values(), key=lambda g: g.name):
        if group_counts.get(group.pk, 0) < group.min_units:
            reasons.append(f"{group.name}: choose at least {_plural(group.min_units, 'unit')}")

    credits = _total(m.unit.credit for m in on_plan)
    glh = _total(m.unit.glh for m in on_plan)
    optional_credits = None
    if any(m.unit.credit is not None for m in memberships if not _is_required(qualification, m)):
        optional_credits = sum(m.unit.credit or 0 for m in optional_on_plan)

    minimum = qualification.min_credits_from_optional
    if minimum and (optional_credits or 0) < minimum:
        reasons.append(
            f"Optional units give {_plural(optional_credits or 0, 'credit')}; "
            f"at least {minimum} {'is' if minimum == 1 else 'are'} needed"
        )
    minimum = qualification.min_glh
    if minimum and (glh or 0) < minimum:
        reasons.append(
            f"The chosen units give {glh or 0} GLH; at least {minimum} {'is' if minimum == 1 else 'are'} needed"
        )

    return CombinationResult(
        achievable=not reasons, reasons=reasons, credits=credits, optional_credits=optional_credits, glh=glh
    )
