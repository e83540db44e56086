"""The catalogue in memory, once per process: qualifications, their units and rules of combination, learning
outcomes, criteria, their wordings per pathway, the notes printed on sheets and the assessment methods' key, read
whole when first needed and again only when it has changed.

The catalogue changes only when load_catalogue runs (or an admin edits an assessment method), and that bumps the
token of the one CatalogueVersion row.
Each request reads that token once (`checking_catalogue_version()`, opened by the middleware; one small query,
and only on requests that use the catalogue), and a process holding another version reads the catalogue again.
Every process sees a reload this way, the one that ran load_catalogue or not: no signal is involved.

The rows handed out are model instances shared by every request of the process, so they are made read-only:
setting an attribute, saving or deleting one raises. Relations inside the catalogue (a criterion's unit, learning
outcome and pathway; a unit's place in a qualification) are filled in, so reading them never queries.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType

from django.db import models

from .models import (
    AssessmentCriterion,
    AssessmentMethod,
    CatalogueNote,
    CatalogueVersion,
    CriterionWording,
    LearningOutcome,
    Pathway,
    Qualification,
    QualificationUnit,
    Unit,
    UnitGroup,
)


class ReadOnlyRow:
    """Mixed into the class of each catalogue row held in memory."""

    def __setattr__(self, name, value):
        raise AttributeError(
            f"{self._meta.object_name} {self.pk} is shared catalogue data (qualifications.cache): read-only"
        )

    def __delattr__(self, name):
        raise AttributeError(f"{self._meta.object_name} {self.pk} is shared catalogue data: read-only")

    def save(self, *args, **kwargs):
        raise TypeError("Catalogue rows held in memory are never saved: load_catalogue changes the catalogue.")

    def delete(self, *args, **kwargs):
        raise TypeError("Catalogue rows held in memory are never deleted: load_catalogue changes the catalogue.")


_read_only_classes: dict[type, type] = {}


def _read_only_class(model: type[models.Model]) -> type:
    if model not in _read_only_classes:
        # type.__new__ rather than a class statement: Django's ModelBase would register a new model. The class
        # keeps the model's _meta, so the instances still are (and compare equal to) instances of the model.
        _read_only_classes[model] = type.__new__(
            type(model), model.__name__, (ReadOnlyRow, model), {"__module__": __name__}
        )
    return _read_only_classes[model]


def _freeze(instance: models.Model) -> None:
    instance.__class__ = _read_only_class(type(instance)._meta.model)


def _relate(instance: models.Model, name: str, value) -> None:
    """Fill in a forward relation so that reading it never queries."""
    instance._meta.get_field(name).set_cached_value(instance, value)


@dataclass(frozen=True)
class Catalogue:
    version: str | None
    qualifications: Mapping[int, Qualification]
    units: Mapping[int, Unit]
    outcomes: Mapping[int, LearningOutcome]
    criteria: Mapping[int, AssessmentCriterion]
    pathways: Mapping[int, Pathway]
    outcomes_by_unit: Mapping[int, tuple[LearningOutcome, ...]]
    criteria_by_unit: Mapping[int, tuple[AssessmentCriterion, ...]]
    memberships_by_qualification: Mapping[int, tuple[QualificationUnit, ...]]
    groups_by_qualification: Mapping[int, tuple[UnitGroup, ...]]
    pathways_by_qualification: Mapping[int, tuple[Pathway, ...]]
    wordings: Mapping[tuple[int, int], str]  # (criterion id, pathway id) -> the criterion's wording on the pathway
    methods: tuple[AssessmentMethod, ...]  # the method key of tracking sheets, in printed order
    sheet_notes_by_unit: Mapping[int, tuple[CatalogueNote, ...]]  # notes printed on a unit's tracking sheet

    def memberships(self, qualification_id: int) -> tuple[QualificationUnit, ...]:
        """The qualification's units in printed order, each membership's `unit` carrying
        `number_in_qualification` (the unit's number as this qualification prints it)."""
        return self.memberships_by_qualification.get(qualification_id, ())

    def unit_in(self, qualification_id: int, unit_id: int) -> Unit:
        """The unit as the qualification numbers it (`number_in_qualification`; "" when not part of it)."""
        for membership in self.memberships(qualification_id):
            if membership.unit_id == unit_id:
                return membership.unit
        return self.units[unit_id]

    def unit_order(self, qualification_id: int) -> dict[int, int]:
        return {membership.unit_id: membership.order for membership in self.memberships(qualification_id)}

    def outcomes_of(self, unit_id: int) -> tuple[LearningOutcome, ...]:
        return self.outcomes_by_unit.get(unit_id, ())

    def criteria_of(self, unit_id: int) -> tuple[AssessmentCriterion, ...]:
        return self.criteria_by_unit.get(unit_id, ())

    def wording(self, criterion_id: int, pathway_id: int | None) -> str:
        """The criterion's wording for learners on the pathway, where it is worded per pathway ("" otherwise)."""
        return self.wordings.get((criterion_id, pathway_id), "") if pathway_id is not None else ""

    def sheet_notes_of(self, unit_id: int) -> tuple[CatalogueNote, ...]:
        return self.sheet_notes_by_unit.get(unit_id, ())

    def criteria_counts(self, unit_ids: Iterable[int]) -> dict[tuple[int, int | None], int]:
        """(unit id, pathway id or None) -> number of criteria."""
        counts: dict[tuple[int, int | None], int] = defaultdict(int)
        for unit_id in unit_ids:
            for criterion in self.criteria_of(unit_id):
                counts[(unit_id, criterion.pathway_id)] += 1
        return dict(counts)


def _frozen_mapping(items: dict) -> Mapping:
    return MappingProxyType(items)


def read_catalogue(version: str | None) -> Catalogue:
    """Read the whole catalogue from the database (eleven queries) into read-only rows."""
    pathways = {pathway.pk: pathway for pathway in Pathway.objects.all()}
    qualifications = {q.pk: q for q in Qualification.objects.select_related("awarding_body")}
    units = {unit.pk: unit for unit in Unit.objects.all()}
    outcomes = {outcome.pk: outcome for outcome in LearningOutcome.objects.order_by("unit_id", "order", "pk")}
    criteria = {criterion.pk: criterion for criterion in AssessmentCriterion.objects.order_by("unit_id", "order", "pk")}
    groups = {group.pk: group for group in UnitGroup.objects.order_by("qualification_id", "name")}
    memberships = list(QualificationUnit.objects.order_by("qualification_id", "order", "pk"))
    qualification_pathways = Qualification.pathways.through.objects.values_list("qualification_id", "pathway_id")
    wordings = {
        (criterion_id, pathway_id): text
        for criterion_id, pathway_id, text in CriterionWording.objects.values_list("criterion_id", "pathway_id", "text")
    }
    methods = list(AssessmentMethod.objects.order_by("order", "code"))
    sheet_notes = list(CatalogueNote.objects.filter(shown_on_sheet=True, unit__isnull=False).order_by("order", "pk"))

    outcomes_by_unit: dict[int, list] = defaultdict(list)
    for outcome in outcomes.values():
        _relate(outcome, "unit", units[outcome.unit_id])
        outcomes_by_unit[outcome.unit_id].append(outcome)
    criteria_by_unit: dict[int, list] = defaultdict(list)
    for criterion in criteria.values():
        _relate(criterion, "unit", units[criterion.unit_id])
        _relate(criterion, "learning_outcome", outcomes[criterion.learning_outcome_id])
        _relate(criterion, "pathway", pathways.get(criterion.pathway_id))
        criteria_by_unit[criterion.unit_id].append(criterion)
    groups_by_qualification: dict[int, list] = defaultdict(list)
    for group in groups.values():
        _relate(group, "qualification", qualifications[group.qualification_id])
        groups_by_qualification[group.qualification_id].append(group)
    memberships_by_qualification: dict[int, list] = defaultdict(list)
    numbered_units = []
    for membership in memberships:
        numbered = copy.copy(units[membership.unit_id])
        numbered.number_in_qualification = membership.number
        numbered_units.append(numbered)
        _relate(membership, "unit", numbered)
        _relate(membership, "qualification", qualifications[membership.qualification_id])
        _relate(membership, "group", groups.get(membership.group_id))
        memberships_by_qualification[membership.qualification_id].append(membership)
    pathways_by_qualification: dict[int, list] = defaultdict(list)
    for qualification_id, pathway_id in qualification_pathways:
        pathways_by_qualification[qualification_id].append(pathways[pathway_id])
    for unit in units.values():
        unit.number_in_qualification = ""
    sheet_notes_by_unit: dict[int, list] = defaultdict(list)
    for note in sheet_notes:
        _relate(note, "unit", units[note.unit_id])
        _relate(note, "criterion", criteria.get(note.criterion_id))
        _relate(note, "qualification", qualifications.get(note.qualification_id))
        sheet_notes_by_unit[note.unit_id].append(note)

    for row in [
        *pathways.values(),
        *qualifications.values(),
        *(q.awarding_body for q in qualifications.values()),
        *units.values(),
        *numbered_units,
        *outcomes.values(),
        *criteria.values(),
        *groups.values(),
        *memberships,
        *methods,
        *sheet_notes,
    ]:
        _freeze(row)

    def by_key(grouped: dict[int, list]) -> Mapping:
        return _frozen_mapping({key: tuple(values) for key, values in grouped.items()})

    return Catalogue(
        version=version,
        qualifications=_frozen_mapping(qualifications),
        units=_frozen_mapping(units),
        outcomes=_frozen_mapping(outcomes),
        criteria=_frozen_mapping(criteria),
        pathways=_frozen_mapping(pathways),
        outcomes_by_unit=by_key(outcomes_by_unit),
        criteria_by_unit=by_key(criteria_by_unit),
        memberships_by_qualification=by_key(memberships_by_qualification),
        groups_by_qualification=by_key(groups_by_qualification),
        pathways_by_qualification=by_key(sorted_pathways(pathways_by_qualification)),
        wordings=_frozen_mapping(wordings),
        methods=tuple(methods),
        sheet_notes_by_unit=by_key(sheet_notes_by_unit),
    )


def sorted_pathways(grouped: dict[int, list]) -> dict[int, list]:
    return {key: sorted(values, key=lambda pathway: (pathway.name, pathway.pk)) for key, values in grouped.items()}


# --- the version, and the copy this process holds ---------------------------------------------------------------

_UNCHECKED = object()
_request_version: ContextVar[object] = ContextVar("catalogue_version", default=None)
_held: Catalogue | None = None
_lock = threading.Lock()


@contextmanager
def checking_catalogue_version() -> Iterator[None]:
    """Within this block (one request) the catalogue's version is read at most once."""
    token = _request_version.set(_UNCHECKED)
    try:
        yield
    finally:
        _request_version.reset(token)


def remember_version_for_request(token) -> None:
    """The version read by another query of this request (with the session: portfolio.hooks), kept as if
    `stored_version()` had read it, so the request asks no more. Outside a request, or once read, nothing changes."""
    if token is not None and _request_version.get() is _UNCHECKED:
        _request_version.set(str(token))


def stored_version() -> str | None:
    token = CatalogueVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    return str(token) if token is not None else None


def _current_version() -> str | None:
    remembered = _request_version.get()
    if remembered is None:  # outside a request: read every time
        return stored_version()
    if remembered is _UNCHECKED:
        remembered = stored_version()
        _request_version.set(remembered)
    return remembered  # type: ignore[return-value]


def catalogue() -> Catalogue:
    """The whole catalogue, as load_catalogue last left it."""
    global _held
    version = _current_version()
    held = _held
    if held is not None and version is not None and held.version == version:
        return held
    with _lock:
        held = _held
        if held is None or version is None or held.version != version:
            held = read_catalogue(version)
            # Without a version (a database never migrated with its row) nothing is held between calls.
            _held = held if version is not None else None
    return held


def bump_catalogue_version() -> None:
    """Tell every process that the catalogue changed (load_catalogue calls it, inside its transaction)."""
    import uuid

    CatalogueVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4()})


def forget_catalogue() -> None:
    """Drop this process's copy (tests that change the catalogue without load_catalogue)."""
    global _held
    with _lock:
        _held = None
