"""Reads of the catalogue shaped for pages, each in a fixed number of queries whatever the size of the unit."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from qualifications.models import (
    AssessmentCriterion,
    CatalogueNote,
    CriterionWording,
    LearningOutcome,
    Qualification,
    QualificationUnit,
    Unit,
    UnitGroup,
)

SEARCH_MAX_LENGTH = 100


def qualifications_listed(*, awarding_body: str = "", level: int | None = None) -> QuerySet[Qualification]:
    """Qualifications for the list page, filtered by awarding body code and level where given."""
    qualifications = Qualification.objects.select_related("awarding_body").order_by("level", "title")
    if awarding_body:
        qualifications = qualifications.filter(awarding_body__code=awarding_body)
    if level is not None:
        qualifications = qualifications.filter(level=level)
    return qualifications


def qualifications_with_structure() -> QuerySet[Qualification]:
    """Qualifications with their awarding body, units (with groups), groups, pathways and notes prefetched."""
    return Qualification.objects.select_related("awarding_body").prefetch_related(
        Prefetch(
            "memberships",
            queryset=QualificationUnit.objects.select_related("unit", "group").order_by("order", "pk"),
        ),
        Prefetch("groups", queryset=UnitGroup.objects.order_by("name")),
        "pathways",
        Prefetch("notes", queryset=CatalogueNote.objects.select_related("unit", "criterion").order_by("order")),
    )


@dataclass
class GroupOfUnits:
    name: str
    min_units: int
    memberships: list[QualificationUnit] = field(default_factory=list)

    @property
    def credit(self) -> int | None:
        known = [m.unit.credit for m in self.memberships if m.unit.credit is not None]
        return sum(known) if known else None


@dataclass
class QualificationStructure:
    mandatory: list[QualificationUnit]
    groups: list[GroupOfUnits]
    ungrouped_optional: list[QualificationUnit]

    @property
    def mandatory_credit(self) -> int | None:
        known = [m.unit.credit for m in self.mandatory if m.unit.credit is not None]
        return sum(known) if known else None

    @property
    def mandatory_glh(self) -> int | None:
        known = [m.unit.glh for m in self.mandatory if m.unit.glh is not None]
        return sum(known) if known else None


def structure_of(qualification: Qualification) -> QualificationStructure:
    """Split a qualification from qualifications_with_structure() into mandatory units and optional groups."""
    memberships = list(qualification.memberships.all())
    groups = {
        group.pk: GroupOfUnits(name=group.name, min_units=group.min_units) for group in qualification.groups.all()
    }
    mandatory, ungrouped = [], []
    for membership in memberships:
        if membership.mandatory or qualification.all_units:
            mandatory.append(membership)
        elif membership.group_id in groups:
            groups[membership.group_id].memberships.append(membership)
        else:
            ungrouped.append(membership)
    return QualificationStructure(mandatory=mandatory, groups=list(groups.values()), ungrouped_optional=ungrouped)


@dataclass
class CriterionRow:
    criterion: AssessmentCriterion
    notes: list[CatalogueNote]


@dataclass
class OutcomeBlock:
    outcome: LearningOutcome
    rows: list[CriterionRow]


@dataclass
class UnitOutline:
    unit: Unit
    outcomes: list[OutcomeBlock]
    unit_notes: list[CatalogueNote]  # notes about the unit itself, not one of its criteria
    memberships: list[QualificationUnit]  # the qualifications the unit belongs to

    @property
    def criteria_count(self) -> int:
        return sum(len(block.rows) for block in self.outcomes)

    @property
    def has_criterion_guidance(self) -> bool:
        return any(
            row.criterion.guidance or row.criterion.amplification for block in self.outcomes for row in block.rows
        )

    @property
    def pathways(self) -> list:
        seen = {}
        for block in self.outcomes:
            for row in block.rows:
                if row.criterion.pathway_id is not None:
                    seen.setdefault(row.criterion.pathway_id, row.criterion.pathway)
        return sorted(seen.values(), key=lambda p: p.name)

    @property
    def has_wordings(self) -> bool:
        return any(row.criterion.wordings.all() for block in self.outcomes for row in block.rows)


def unit_outline(unit: Unit) -> UnitOutline:
    """A unit's outcomes, criteria (with pathway and per-pathway wordings), notes and qualifications, in five
    queries."""
    outcomes = list(LearningOutcome.objects.filter(unit=unit).order_by("order", "pk"))
    criteria = list(
        AssessmentCriterion.objects.filter(unit=unit)
        .select_related("pathway")
        .prefetch_related(Prefetch("wordings", queryset=CriterionWording.objects.select_related("pathway")))
        .order_by("order", "pk")
    )
    notes = list(
        CatalogueNote.objects.filter(Q(unit=unit) | Q(criterion__unit=unit))
        .select_related("qualification")
        .order_by("order")
    )
    memberships = list(
        QualificationUnit.objects.filter(unit=unit)
        .select_related("qualification", "qualification__awarding_body", "group")
        .order_by("qualification__level", "qualification__title")
    )
    notes_by_criterion = defaultdict(list)
    unit_notes = []
    for note in notes:
        if note.criterion_id is not None:
            notes_by_criterion[note.criterion_id].append(note)
        else:
            unit_notes.append(note)
    rows_by_outcome = defaultdict(list)
    for criterion in criteria:
        rows_by_outcome[criterion.learning_outcome_id].append(
            CriterionRow(criterion=criterion, notes=notes_by_criterion.get(criterion.pk, []))
        )
    blocks = [OutcomeBlock(outcome=outcome, rows=rows_by_outcome.get(outcome.pk, [])) for outcome in outcomes]
    return UnitOutline(unit=unit, outcomes=blocks, unit_notes=unit_notes, memberships=memberships)


def normalise_query(query: str | None) -> str:
    return " ".join((query or "").split())[:SEARCH_MAX_LENGTH]


def search_criteria(query: str) -> QuerySet[AssessmentCriterion]:
    """Criteria whose text contains the query, or whose code is the query ("S9" finds S9.1 to S9.6),
    case-insensitively, ordered by unit then printed order."""
    query = normalise_query(query)
    if not query:
        return AssessmentCriterion.objects.none()
    return (
        AssessmentCriterion.objects.filter(
            Q(text__icontains=query) | Q(code__iexact=query) | Q(code__istartswith=query + ".")
        )
        .select_related("unit", "learning_outcome", "pathway")
        .order_by("unit__reference", "order", "pk")
    )


@dataclass
class NotesOfSource:
    source: str
    qualifications: list[Qualification]
    notes: list[CatalogueNote]

    @property
    def corrections(self) -> int:
        return sum(1 for note in self.notes if note.kind == CatalogueNote.Kind.CORRECTION)

    @property
    def judgements(self) -> int:
        return sum(1 for note in self.notes if note.kind == CatalogueNote.Kind.JUDGEMENT)

    @property
    def misprints(self) -> int:
        return sum(1 for note in self.notes if note.kind == CatalogueNote.Kind.MISPRINT)


def notes_by_source() -> list[NotesOfSource]:
    """Every catalogue note, grouped by the specification it was made on, in two queries."""
    qualifications = defaultdict(list)
    for qualification in Qualification.objects.order_by("number"):
        qualifications[qualification.source].append(qualification)
    grouped: dict[str, NotesOfSource] = {}
    notes = CatalogueNote.objects.select_related("qualification", "unit", "criterion").order_by("source", "order")
    for note in notes:
        if note.source not in grouped:
            grouped[note.source] = NotesOfSource(note.source, qualifications.get(note.source, []), [])
        grouped[note.source].notes.append(note)
    return list(grouped.values())
