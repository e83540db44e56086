"""Loading the catalogue fixtures into the database, in place, by natural keys."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from qualifications.cache import bump_catalogue_version
from qualifications.models import (
    AssessmentCriterion,
    AssessmentMethod,
    AwardingBody,
    CatalogueNote,
    CriterionWording,
    LearningOutcome,
    Pathway,
    Qualification,
    QualificationUnit,
    Unit,
    UnitGroup,
)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures" / "catalogue"

# domain.md's default method key; centres may add more rows.
DEFAULT_METHODS = [
    ("Obs", "Observation", "Observation by the assessor, recorded by the assessor"),
    ("Q", "Questioning", "Oral or written questions and answers"),
    ("Sim", "Simulation / assignment", "Simulation or assignment"),
    ("PD", "Professional discussion", "Often an audio or video recording"),
    ("WT", "Witness testimony", "From a manager or colleague"),
    ("PE", "Product evidence", "Work products: emails, records, forms"),
    ("RA", "Reflective account", "The learner's own written account"),
    ("RPL", "Recognition of prior learning", "Prior learning or achievement"),
    ("O", "Other", "Any other method"),
]


class CatalogueError(DomainError):
    pass


@dataclass
class LoadReport:
    files: int = 0
    qualifications: int = 0
    units: int = 0
    learning_outcomes: int = 0
    criteria: int = 0
    notes: int = 0
    warnings: list[str] = field(default_factory=list)


def normalise(text: str | None) -> str:
    return " ".join((text or "").split())


def normalise_lines(value: str | list[str] | None) -> str:
    """A text field that may be printed as several paragraphs and bulleted items: given in the fixture as a list
    of strings (items start with "• "), stored one per line, each line's whitespace normalised."""
    if isinstance(value, list):
        return "\n".join(line for line in (normalise(item) for item in value) if line)
    return normalise(value)


def _upsert(model, lookup: dict, values: dict):
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
    return obj


def load_methods() -> None:
    for order, (code, name, description) in enumerate(DEFAULT_METHODS):
        AssessmentMethod.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )


def read_fixtures(directory: Path = FIXTURES_DIR) -> list[dict]:
    documents = []
    for path in sorted(directory.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            document = json.load(handle)
        document.setdefault("source", path.name)
        documents.append(document)
    return documents


@transaction.atomic
def load_catalogue(directory: Path = FIXTURES_DIR) -> LoadReport:
    """Create or update every catalogue row from the fixtures. Rows are never deleted, so the
    criteria that evidence links point to keep their ids; a criterion dropped from the fixtures is
    reported, not removed."""
    report = LoadReport()
    documents = read_fixtures(directory)
    report.files = len(documents)
    load_methods()

    for document in documents:
        for body in document.get("awarding_bodies", []):
            _upsert(AwardingBody, {"code": body["code"]}, {"name": body["name"]})
        for pathway in document.get("pathways", []):
            _upsert(
                Pathway,
                {"code": pathway["code"]},
                {"name": pathway["name"], "description": normalise(pathway.get("description"))},
            )

    pathways = {p.code: p for p in Pathway.objects.all()}
    units: dict[str, Unit] = {}
    for document in documents:
        for unit_data in document.get("units", []):
            unit = _load_unit(unit_data, pathways, report)
            units[unit.reference] = unit

    for document in documents:
        for qualification_data in document.get("qualifications", []):
            _load_qualification(qualification_data, document["source"], report)

    CatalogueNote.objects.all().delete()  # notes are derived wholly from the fixtures
    order = 0
    for document in documents:
        for note in document.get("notes", []):
            order += 1
            _load_note(note, document["source"], order, report)
    bump_catalogue_version()  # every process reads the catalogue again (qualifications.cache)
    return report


def _load_unit(data: dict, pathways: dict, report: LoadReport) -> Unit:
    unit = _upsert(
        Unit,
        {"reference": data["reference"]},
        {
            "title": normalise(data["title"]),
            "level": data.get("level"),
            "glh": data.get("glh"),
            "credit": data.get("credit"),
            "summary": normalise(data.get("summary")),
            "guidance": normalise_lines(data.get("guidance")),
            "types_of_evidence": normalise_lines(data.get("types_of_evidence")),
            "amplification": normalise_lines(data.get("amplification")),
        },
    )
    report.units += 1
    _recode(unit, list(unit.criteria.select_related("learning_outcome")), data)
    existing_codes = set(unit.criteria.values_list("code", flat=True))
    seen_codes = set()
    criterion_order = 0
    for outcome_order, outcome_data in enumerate(data.get("learning_outcomes", []), start=1):
        outcome = _upsert(
            LearningOutcome,
            {"unit": unit, "number": str(outcome_data["number"])},
            {
                "text": normalise(outcome_data["text"]),
                "order": outcome_order,
                "amplification": normalise_lines(outcome_data.get("amplification")),
                "types_of_evidence": normalise_lines(outcome_data.get("types_of_evidence")),
            },
        )
        report.learning_outcomes += 1
        for criterion_data in outcome_data.get("criteria", []):
            criterion_order += 1
            pathway_code = criterion_data.get("pathway")
            if pathway_code and pathway_code not in pathways:
                raise CatalogueError(
                    _("%(reference)s %(value)s: unknown pathway %(pathway_code)s")
                    % {
                        "reference": unit.reference,
                        "value": criterion_data["code"],
                        "pathway_code": f"{pathway_code!r}",
                    }
                )
            criterion = _upsert(
                AssessmentCriterion,
                {"unit": unit, "code": criterion_data["code"]},
                {
                    "learning_outcome": outcome,
                    "text": normalise(criterion_data["text"]),
                    "order": criterion_order,
                    "kind": criterion_data.get("kind") or "",
                    "guidance": normalise_lines(criterion_data.get("guidance")),
                    "amplification": normalise_lines(criterion_data.get("amplification")),
                    "printed_code": criterion_data.get("printed_code") or "",
                    "pathway": pathways.get(pathway_code) if pathway_code else None,
                },
            )
            _load_wordings(criterion, criterion_data.get("wordings") or [], pathways)
            seen_codes.add(criterion_data["code"])
            report.criteria += 1
    for code in sorted(existing_codes - seen_codes):
        report.warnings.append(f"{unit.reference} {code} is in the database but no longer in the fixtures; kept.")
    return unit


def _printed_identity(outcome_number: str, code: str, printed_code: str | None) -> tuple[str, str]:
    return (str(outcome_number), printed_code or code)


def _recode(unit: Unit, existing: list[AssessmentCriterion], data: dict) -> None:
    """Give existing criteria their new codes where the fixtures now code them differently (a renumbering
    undone or made), so that a criterion keeps its row, and the evidence linked to it, whatever its code.

    A criterion is known by what was printed: its learning outcome and printed code. Codes change in two steps
    (each to a temporary code first) so that swapped codes never collide."""
    by_identity = {
        _printed_identity(criterion.learning_outcome.number, criterion.code, criterion.printed_code): criterion
        for criterion in existing
    }
    renames = {}
    for outcome_data in data.get("learning_outcomes", []):
        for criterion_data in outcome_data.get("criteria", []):
            identity = _printed_identity(
                outcome_data["number"], criterion_data["code"], criterion_data.get("printed_code")
            )
            criterion = by_identity.get(identity)
            if criterion is not None and criterion.code != criterion_data["code"]:
                renames[criterion.pk] = criterion_data["code"]
    if not renames:
        return
    for pk in renames:
        AssessmentCriterion.objects.filter(pk=pk).update(code=f"~{pk}")
    for pk, code in renames.items():
        AssessmentCriterion.objects.filter(pk=pk).update(code=code)


def _load_wordings(criterion: AssessmentCriterion, wordings: list[dict], pathways: dict) -> None:
    """The criterion's per-pathway wordings, exactly as the fixture gives them (others are removed: a wording is
    catalogue text, which nothing else refers to)."""
    kept = []
    for order, wording in enumerate(wordings, start=1):
        if wording["pathway"] not in pathways:
            raise CatalogueError(
                _("%(reference)s %(code)s: a wording names unknown pathway %(value)s")
                % {"reference": criterion.unit.reference, "code": criterion.code, "value": f"{wording['pathway']!r}"}
            )
        row = _upsert(
            CriterionWording,
            {"criterion": criterion, "pathway": pathways[wording["pathway"]]},
            {"text": normalise(wording["text"]), "order": order},
        )
        kept.append(row.pk)
    CriterionWording.objects.filter(criterion=criterion).exclude(pk__in=kept).delete()


def _load_qualification(data: dict, source: str, report: LoadReport) -> None:
    rules = data.get("rules", {})
    qualification = _upsert(
        Qualification,
        {"number": data["number"]},
        {
            "title": normalise(data["title"]),
            "awarding_body": AwardingBody.objects.get(code=data["awarding_body"]),
            "level": data["level"],
            "credit": data.get("credit"),
            "glh": data.get("glh"),
            "tqt": data.get("tqt"),
            "min_age": data.get("min_age"),
            "all_units": bool(rules.get("all_units")),
            "min_credits_from_optional": rules.get("min_credits_from_optional"),
            "min_glh": rules.get("min_glh"),
            "rules_text": normalise_lines(rules.get("text")),
            "source": source,
        },
    )
    report.qualifications += 1
    groups = {}
    for group_data in data.get("groups", []):
        groups[group_data["name"]] = _upsert(
            UnitGroup,
            {"qualification": qualification, "name": group_data["name"]},
            {"min_units": group_data.get("min_units") or 0},
        )
    listed = []
    for order, membership in enumerate(data.get("units", []), start=1):
        try:
            unit = Unit.objects.get(reference=membership["reference"])
        except Unit.DoesNotExist as exc:
            raise CatalogueError(
                _("%(number)s lists unit %(value)s, which no fixture defines")
                % {"number": qualification.number, "value": membership["reference"]}
            ) from exc
        group_name = membership.get("group")
        if group_name and group_name not in groups:
            raise CatalogueError(
                _("%(number)s: unit %(reference)s names unknown group %(group_name)s")
                % {"number": qualification.number, "reference": unit.reference, "group_name": f"{group_name!r}"}
            )
        _upsert(
            QualificationUnit,
            {"qualification": qualification, "unit": unit},
            {
                "number": str(membership.get("number") or ""),
                "mandatory": bool(membership.get("mandatory")),
                "group": groups.get(group_name) if group_name else None,
                "order": order,
            },
        )
        listed.append(unit.pk)
    # Memberships carry no evidence, so a unit dropped from a qualification can go.
    QualificationUnit.objects.filter(qualification=qualification).exclude(unit_id__in=listed).delete()
    pathway_ids = set(
        AssessmentCriterion.objects.filter(unit_id__in=listed, pathway__isnull=False).values_list(
            "pathway_id", flat=True
        )
    ) | set(CriterionWording.objects.filter(criterion__unit_id__in=listed).values_list("pathway_id", flat=True))
    qualification.pathways.set(sorted(pathway_ids))


def _load_note(data: dict, source: str, order: int, report: LoadReport) -> None:
    qualification = unit = criterion = None
    if data.get("qualification"):
        qualification = Qualification.objects.filter(number=data["qualification"]).first()
    if data.get("unit"):
        unit = Unit.objects.filter(reference=data["unit"]).first()
        if unit is None:
            report.warnings.append(f"A note names unit {data['unit']}, which is not in the catalogue.")
    if unit is not None and data.get("criterion"):
        criterion = unit.criteria.filter(code=data["criterion"]).first()
    CatalogueNote.objects.create(
        source=source,
        kind=data.get("kind") or CatalogueNote.Kind.CORRECTION,
        qualification=qualification,
        unit=unit,
        criterion=criterion,
        field=data.get("field") or "",
        printed="" if data.get("printed") is None else str(data.get("printed")),
        corrected="" if data.get("corrected") is None else str(data.get("corrected")),
        explanation=data.get("explanation") or "",
        shown_on_sheet=bool(data.get("shown_on_sheet")),
        order=order,
    )
    report.notes += 1
