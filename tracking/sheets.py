"""The evidence tracking sheet (Highfield's "Appendix 3"), assembled once for the page and the PDF."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from centres.hooks import Hook
from portfolio.models import Evidence, Registration
from portfolio.progress import CriterionStatus, unit_statuses
from qualifications.cache import catalogue
from qualifications.models import AssessmentMethod, CatalogueNote, LearningOutcome

from .models import Signature, SignatureRole
from .selectors import SignOffState, signoff_states

# The instructions printed on the original sheet, word for word.
INSTRUCTIONS = [
    "Once all assessment criteria and range have been met, the learner and assessor must sign and date this "
    "tracking sheet",
    "Fill in the portfolio reference for each assessment criteria",
    "Fill in each assessment method used using the key",
    "Insert the date that the Assessment Criteria was fully met",
]
SAMPLED_INSTRUCTION = "If sampled, the IQA/EQS must also sign and date this tracking sheet"

SIGNATURE_LABELS = {
    SignatureRole.LEARNER: "Learner Signature",
    SignatureRole.ASSESSOR: "Assessor Signature",
    SignatureRole.COUNTERSIGNER: "Countersignature",
    SignatureRole.IQA: "IQA Signature (if sampled)",
    SignatureRole.EQA: "EQS Signature (if sampled)",
}
SIGNATURE_ROLE_NAMES = {
    SignatureRole.LEARNER: "Learner",
    SignatureRole.ASSESSOR: "Assessor",
    SignatureRole.COUNTERSIGNER: "Countersignatory",
    SignatureRole.IQA: "IQA",
    SignatureRole.EQA: "EQA",
}

PDF_LAYOUT_VERSION = "5"  # bump when the PDF templates or print stylesheet change, to refresh cached PDFs

# Apps that depend on tracking may add a line about a unit's sign-off to the sheet on screen (the quality app:
# "IQA sample awaiting countersignature"), registering an answer in their AppConfig.ready().
SheetNotesProvider = Callable[[Registration, list[int]], dict[int, list[str]]]
sheet_notes = Hook[SheetNotesProvider](
    "Notes about the sign-off of the sheets built together (registration, unit ids) -> unit id -> notes, in a "
    "fixed number of queries"
)


class SheetNotes:
    """The notes of the sheets built together, asked of every provider once, when a page first shows one (the
    PDF, which prints only what was signed, never asks)."""

    def __init__(self, registration: Registration, unit_ids: list[int]):
        self.registration = registration
        self.unit_ids = unit_ids
        self._notes: dict[int, list[str]] | None = None

    def for_unit(self, unit_id: int) -> list[str]:
        if self._notes is None:
            self._notes = {}
            for answer in sheet_notes.ask(self.registration, self.unit_ids):
                for key, notes in answer.items():
                    self._notes.setdefault(key, []).extend(notes)
        return self._notes.get(unit_id, [])


@dataclass
class SheetRow:
    outcome: LearningOutcome | None  # set on the first row of each learning outcome
    status: CriterionStatus
    # Evidence id -> its page, shared by the rows of one sheet: a piece linked to every criterion is looked up once.
    urls: dict[int, str] = field(default_factory=dict)

    @property
    def criterion(self):
        return self.status.criterion

    @property
    def reference_links(self) -> list[tuple[int, str, bool]]:
        """Each portfolio reference with the page of that evidence (or its entry below the sheet), and whether the
        evidence is simulated (marked on the sheet)."""
        links = []
        for evidence in self.status.accepted_evidence:
            url = self.urls.get(evidence.pk)
            if url is None:
                url = self.urls[evidence.pk] = evidence_url(evidence) or f"#evidence-{evidence.reference}"
            links.append((evidence.reference, url, evidence.is_simulated))
        return links


@dataclass
class SignatureLine:
    role: str
    label: str
    role_name: str
    signature: Signature | None
    matches: bool | None  # None when unsigned


@dataclass
class Sheet:
    registration: Registration
    state: SignOffState
    methods: list[AssessmentMethod]
    note_source: SheetNotes | None = None
    # The catalogue's notes that belong on this unit's sheet (a judgement on how the unit is assessed).
    catalogue_notes: list[CatalogueNote] = field(default_factory=list)
    # A unit carried over from another registration: the live signatures of its sign-off there.
    carried_signatures: list[Signature] = field(default_factory=list)
    instructions = INSTRUCTIONS
    sampled_instruction = SAMPLED_INSTRUCTION

    @property
    def notes(self) -> list[str]:
        """Lines other apps add about this unit's sign-off (for the page, not the PDF)."""
        return self.note_source.for_unit(self.unit.pk) if self.note_source is not None else []

    @property
    def status(self):
        return self.state.status

    @property
    def unit(self):
        return self.state.status.unit

    @property
    def unit_heading(self) -> str:
        number = getattr(self.unit, "number_in_qualification", "") or ""
        prefix = gettext("Unit %(number)s: ") % {"number": number} if number else ""
        return f"{prefix}{self.unit.title} ({self.unit.reference})"

    @property
    def rows(self) -> list[SheetRow]:
        rows = []
        for outcome_status in self.status.outcomes:
            for index, criterion_status in enumerate(outcome_status.criteria):
                rows.append(SheetRow(outcome_status.outcome if index == 0 else None, criterion_status))
        return rows

    @property
    def outcome_groups(self) -> list[list[SheetRow]]:
        groups, urls = [], {}
        for outcome_status in self.status.outcomes:
            groups.append(
                [
                    SheetRow(outcome_status.outcome if index == 0 else None, criterion_status, urls)
                    for index, criterion_status in enumerate(outcome_status.criteria)
                ]
            )
        return groups

    @property
    def evidence(self) -> list:
        """The accepted evidence on this sheet, by reference, each with the criterion codes it covers here."""
        by_reference: dict[int, dict] = {}
        for criterion_status in self.status.criteria:
            for evidence in criterion_status.accepted_evidence:
                entry = by_reference.setdefault(evidence.reference, {"evidence": evidence, "codes": []})
                entry["codes"].append(criterion_status.criterion.code_label)
        return [by_reference[reference] for reference in sorted(by_reference)]

    @property
    def simulated_evidence(self) -> list[Evidence]:
        """The accepted evidence on this sheet that comes from a simulation, marked * with its reason."""
        return [entry["evidence"] for entry in self.evidence if entry["evidence"].is_simulated]

    @property
    def signature_lines(self) -> list[SignatureLine]:
        carried = self.status.carried
        if carried is not None and carried.counts:
            # The original sheet's signatures: its content is frozen while they stand (reopening voids them).
            live = {signature.role: signature for signature in self.carried_signatures}
            return [
                SignatureLine(role, SIGNATURE_LABELS[role], SIGNATURE_ROLE_NAMES[role], live.get(role), True)
                for role in SIGNATURE_LABELS
                if role in live or role != SignatureRole.COUNTERSIGNER
            ]
        live = self.state.live
        lines = []
        for role in SIGNATURE_LABELS:
            if role == SignatureRole.COUNTERSIGNER and not (self.state.assessor_needs_countersignature or role in live):
                continue
            signature = live.get(role)
            lines.append(
                SignatureLine(
                    role=role,
                    label=SIGNATURE_LABELS[role],
                    role_name=SIGNATURE_ROLE_NAMES[role],
                    signature=signature,
                    matches=self.state.matches(signature) if signature else None,
                )
            )
        return lines

    @property
    def pdf_key(self) -> str:
        """What the PDF shows, hashed: the content, the header and every signature (live or voided)."""
        registration = self.registration
        data = {
            "layout": PDF_LAYOUT_VERSION,
            "content": self.state.content_hash,
            "header": [
                registration.learner.full_name,
                registration.centre.name,
                registration.qualification.number,
                registration.qualification.title,
                self.unit_heading,
            ],
            "criteria": [[row.criterion.code_label, row.status.text, row.status.state] for row in self.rows],
            "catalogue_notes": [
                [note.pk, note.explanation, note.printed, note.corrected] for note in self.catalogue_notes
            ],
            "evidence": [
                [e["evidence"].pk, e["evidence"].title, str(e["evidence"].date), e["evidence"].simulation_reason]
                for e in self.evidence
            ],
            "signatures": [
                [s.pk, s.role, s.name_at_signing, s.signed_at.isoformat(), s.content_hash, bool(s.voided_at)]
                for s in self.state.signatures
            ],
            "countersign": self.state.assessor_needs_countersignature,
            "carried": [self.status.carried.label, [s.pk for s in self.carried_signatures]]
            if self.status.carried
            else None,
            "methods": [[m.code, m.name] for m in self.methods],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def method_key() -> list[AssessmentMethod]:
    return list(catalogue().methods)  # held in memory with the catalogue, read-only


def catalogue_notes_on_sheets(unit_ids: list[int]) -> dict[int, list[CatalogueNote]]:
    """The catalogue notes to print on the sheets of these units, by unit id (held in memory, read-only)."""
    held = catalogue()
    return {unit_id: list(held.sheet_notes_of(unit_id)) for unit_id in unit_ids if held.sheet_notes_of(unit_id)}


def build_sheets(registration: Registration, units=None, *, methods=None) -> list[Sheet]:
    """Sheets for the given units of the learner's plan (all of it by default), in a fixed number of queries."""
    statuses = unit_statuses(registration, units)
    states = signoff_states(registration, statuses)
    methods = method_key() if methods is None else methods
    unit_ids = [status.unit.pk for status in statuses]
    notes = SheetNotes(registration, unit_ids)
    catalogue_notes = catalogue_notes_on_sheets(unit_ids)
    carried = carried_signatures(statuses)
    return [
        Sheet(
            registration,
            states[status.unit.pk],
            methods,
            notes,
            catalogue_notes.get(status.unit.pk, []),
            carried.get(status.unit.pk, []),
        )
        for status in statuses
    ]


def carried_signatures(statuses) -> dict[int, list[Signature]]:
    """The live signatures of the source sign-off of each carried unit that counts, by unit id, in one query."""
    counting = [status for status in statuses if status.carried is not None and status.carried.counts]
    source_of = {
        status.carried.record.source_sign_off_id: status.unit.pk
        for status in counting
        if getattr(status.carried.record, "source_sign_off_id", None) is not None
    }
    # A unit carried over from a portfolio imported from another centre holds its original signatures itself.
    result: dict[int, list[Signature]] = {
        status.unit.pk: status.carried.record.original_signatures()
        for status in counting
        if hasattr(status.carried.record, "original_signatures")
    }
    if source_of:
        for signature in Signature.objects.live().filter(sign_off_id__in=list(source_of)).order_by("signed_at", "id"):
            result.setdefault(source_of[signature.sign_off_id], []).append(signature)
    return result


def build_sheet(registration: Registration, unit) -> Sheet:
    sheets = build_sheets(registration, [unit])
    if not sheets:
        raise LookupError(f"{unit.reference} is not on this learner's plan")
    return sheets[0]


def evidence_url(evidence) -> str | None:
    """The portfolio's page for a piece of evidence, when the portfolio app offers one."""
    try:
        return reverse("portfolio:evidence-detail", args=[evidence.pk])
    except NoReverseMatch:
        return None
