"""The whole-qualification evidence map (as Mahara's SmartEvidence map shows it): every criterion of the learner's
plan, grouped by unit and learning outcome, against every piece of their submitted evidence, each cell coloured by
the state of the link between the two. Who may open it is decided here too (`check_may_view_map`).

Criterion states come from portfolio.progress (the one assembled structure); the map adds the evidence that is
linked to nothing yet. A fixed number of queries whatever the number of criteria and evidence (see `evidence_map`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from centres import conflicts
from centres.access import access_profile
from centres.models import Role
from core.errors import NotAllowed
from qualifications.models import LearningOutcome, Unit

from .models import Evidence, EvidenceLink, Registration
from .progress import CriterionState, CriterionStatus, unit_statuses


class CellState:
    """The state of one cell: the link between a criterion and a piece of evidence, if there is one."""

    WAITING = "waiting"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NOT_LINKED = "not-linked"

    # English here; the pages show them in the reader's language.
    LABELS = {
        WAITING: gettext_noop("Linked, waiting for the assessor"),
        ACCEPTED: gettext_noop("Accepted (counts towards met)"),
        REJECTED: gettext_noop("Rejected: more is needed"),
        NOT_LINKED: gettext_noop("Not linked"),
    }
    SYMBOLS = {WAITING: "?", ACCEPTED: "✓", REJECTED: "✗", NOT_LINKED: ""}
    ORDER = (ACCEPTED, WAITING, REJECTED, NOT_LINKED)

    _FROM_LINK = {
        EvidenceLink.Status.PENDING: WAITING,
        EvidenceLink.Status.ACCEPTED: ACCEPTED,
        EvidenceLink.Status.REJECTED: REJECTED,
    }

    @classmethod
    def of_link(cls, link: EvidenceLink | None) -> str:
        return cls.NOT_LINKED if link is None else cls._FROM_LINK[link.status]


@dataclass(frozen=True)
class Cell:
    evidence: Evidence
    state: str

    @property
    def label(self) -> str:
        return gettext(CellState.LABELS[self.state])

    @property
    def symbol(self) -> str:
        return CellState.SYMBOLS[self.state]


@dataclass
class MapRow:
    status: CriterionStatus
    cells: list[Cell]

    @property
    def linked(self) -> list[Cell]:
        """The cells with a link, for the text version of the map."""
        return [cell for cell in self.cells if cell.state != CellState.NOT_LINKED]


@dataclass
class MapOutcome:
    outcome: LearningOutcome
    rows: list[MapRow] = field(default_factory=list)


@dataclass
class MapUnit:
    unit: Unit
    met: int
    required: int
    outcomes: list[MapOutcome] = field(default_factory=list)

    @property
    def rows(self) -> list[MapRow]:
        return [row for outcome in self.outcomes for row in outcome.rows]


@dataclass
class EvidenceMap:
    registration: Registration
    evidence: list[Evidence]
    units: list[MapUnit]

    @property
    def legend(self) -> list[tuple[str, str, str, int]]:
        """Each state with its symbol, its words and how many cells are in it."""
        counts = self.counts
        return [
            (state, CellState.SYMBOLS[state], gettext(CellState.LABELS[state]), counts[state])
            for state in CellState.ORDER
        ]

    @property
    def rows(self) -> list[MapRow]:
        return [row for unit in self.units for row in unit.rows]

    @property
    def counts(self) -> dict[str, int]:
        """How many cells are in each state (the figures under the map)."""
        counts = dict.fromkeys(CellState.ORDER, 0)
        for row in self.rows:
            for cell in row.cells:
                counts[cell.state] += 1
        return counts

    @property
    def criteria_met(self) -> int:
        return sum(1 for row in self.rows if row.status.state == CriterionState.MET)


def check_may_view_map(user, registration: Registration) -> None:
    """The learner (their own), the learner's assessor (or the qualified assessor who countersigns a trainee
    assessor's learners) and an IQA of the centre who may quality-assure this learner (centres.conflicts decides)
    may read the map. Anyone else is refused (NotAllowed: a 403; the scoped lookup already answered 404 for
    another centre's learner). One query at most (the IQA's declared interests)."""
    if registration.learner_id == user.pk:
        return
    profile = access_profile(user)
    centre_id = registration.centre_id
    if registration.assessor_id == user.pk and profile.holds(Role.ASSESSOR, centre_id):
        return
    if (registration.assessor_id, centre_id) in profile.supervised:
        return
    if profile.holds(Role.IQA, centre_id):
        conflict = conflicts.iqa_conflict(user, registration, conflicts.Act.SAMPLE)
        if conflict is None:
            return
        raise NotAllowed(conflict)
    raise NotAllowed(_("The evidence map is for the learner, their assessor and the centre's IQAs."))


def may_view_map(user, registration: Registration) -> bool:
    """Whether to offer the map (check_may_view_map's answer, without the refusal)."""
    try:
        check_may_view_map(user, registration)
    except NotAllowed:
        return False
    return True


def _evidence_columns(registration: Registration, statuses) -> list[Evidence]:
    """The learner's current submitted evidence, in reference order (one query), and any evidence of a unit carried
    over from another registration that the criteria link to (already read with the criteria)."""
    columns = {
        piece.pk: piece
        for piece in Evidence.objects.current()
        .filter(registration=registration, status=Evidence.Status.SUBMITTED)
        .order_by("reference")
    }
    for unit in statuses:
        for status in unit.criteria:
            for link in status.links:
                columns.setdefault(link.evidence_id, link.evidence)
    return sorted(columns.values(), key=lambda piece: (piece.registration_id != registration.pk, piece.reference))


def evidence_map(registration: Registration) -> EvidenceMap:
    """The map of the registration's plan: the criteria on the learner's pathway only. Five queries (the plan,
    the links with their evidence, the decisions, the carried units, the evidence), and the same again once per
    other registration a unit was carried over from, however many criteria and pieces of evidence."""
    statuses = unit_statuses(registration)
    columns = _evidence_columns(registration, statuses)
    units = []
    for status in statuses:
        map_unit = MapUnit(status.unit, met=status.met, required=status.required)
        for outcome in status.outcomes:
            rows = []
            for criterion in outcome.criteria:
                if not criterion.required:
                    continue
                by_evidence = {link.evidence_id: link for link in criterion.links}
                cells = [Cell(piece, CellState.of_link(by_evidence.get(piece.pk))) for piece in columns]
                rows.append(MapRow(criterion, cells))
            if rows:
                map_unit.outcomes.append(MapOutcome(outcome.outcome, rows))
        units.append(map_unit)
    return EvidenceMap(registration, columns, units)
