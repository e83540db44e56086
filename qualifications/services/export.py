"""The whole catalogue as plain data (for `export_catalogue`), built in a fixed number of queries."""

from collections import defaultdict

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


def lines(text: str) -> list[str]:
    """A stored text as its printed paragraphs and bulleted items ("• " items, "◦ " items within them), as the
    fixtures give it: an empty list for no text."""
    return [line for line in (text or "").splitlines() if line.strip()]


def _note(note: CatalogueNote) -> dict:
    return {
        "source": note.source,
        "kind": note.kind,
        "qualification": note.qualification.number if note.qualification_id else None,
        "unit": note.unit.reference if note.unit_id else None,
        "criterion": note.criterion.code if note.criterion_id else None,
        "field": note.field,
        "printed": note.printed,
        "corrected": note.corrected,
        "explanation": note.explanation,
        "shown_on_sheet": note.shown_on_sheet,
    }


def export_catalogue() -> dict:
    """{"qualifications": [...], "units": [...], "notes": [...]}: qualifications by number, units by reference; the
    units of a qualification, its groups and criteria in printed order; each criterion with its printed code, kind,
    pathway, per-pathway wordings, guidance and amplification; the notes in the fixtures' order."""
    memberships = defaultdict(list)
    for membership in QualificationUnit.objects.select_related("unit", "group").order_by("order", "pk"):
        memberships[membership.qualification_id].append(membership)
    groups = defaultdict(list)
    for group in UnitGroup.objects.order_by("name"):
        groups[group.qualification_id].append(group)

    qualifications = []
    for qualification in Qualification.objects.select_related("awarding_body").order_by("number"):
        members = memberships[qualification.pk]
        qualifications.append(
            {
                "number": qualification.number,
                "title": qualification.title,
                "awarding_body": qualification.awarding_body.name,
                "level": qualification.level,
                "credit": qualification.credit,
                "glh": qualification.glh,
                "tqt": qualification.tqt,
                "min_age": qualification.min_age,
                "units": [m.unit.reference for m in members],
                "rules": {
                    "all_units": qualification.all_units,
                    "mandatory_units": [m.unit.reference for m in members if m.mandatory],
                    "groups": [
                        {
                            "name": group.name,
                            "units": [m.unit.reference for m in members if m.group_id == group.pk],
                            "min_units": group.min_units,
                        }
                        for group in groups[qualification.pk]
                    ],
                    "min_credits_from_optional": qualification.min_credits_from_optional,
                    "min_glh": qualification.min_glh,
                    "text": lines(qualification.rules_text),
                },
            }
        )

    wordings = defaultdict(list)
    for wording in CriterionWording.objects.select_related("pathway").order_by("order", "pk"):
        wordings[wording.criterion_id].append({"pathway": wording.pathway.code, "text": wording.text})
    criteria = defaultdict(list)
    for criterion in AssessmentCriterion.objects.select_related("pathway").order_by("order", "pk"):
        criteria[criterion.learning_outcome_id].append(criterion)
    outcomes = defaultdict(list)
    for outcome in LearningOutcome.objects.order_by("order", "pk"):
        outcomes[outcome.unit_id].append(outcome)

    units = []
    for unit in Unit.objects.order_by("reference"):
        learning_outcomes = []
        alternatives: dict[str, list[str]] = {}
        for outcome in outcomes[unit.pk]:
            learning_outcomes.append(
                {
                    "number": outcome.number,
                    "text": outcome.text,
                    "amplification": lines(outcome.amplification),
                    "types_of_evidence": lines(outcome.types_of_evidence),
                    "criteria": [
                        {
                            "code": c.code,
                            "printed_code": c.printed_code or c.code,
                            "kind": c.kind,
                            "text": c.text,
                            "pathway": c.pathway.code if c.pathway_id else None,
                            "wordings": wordings[c.pk],
                            "guidance": lines(c.guidance),
                            "amplification": lines(c.amplification),
                        }
                        for c in criteria[outcome.pk]
                    ],
                }
            )
            for criterion in criteria[outcome.pk]:
                if criterion.pathway is not None:
                    alternatives.setdefault(criterion.pathway.code, []).append(criterion.code)
        units.append(
            {
                "reference": unit.reference,
                "title": unit.title,
                "level": unit.level,
                "glh": unit.glh,
                "credit": unit.credit,
                "summary": unit.summary,
                "guidance": lines(unit.guidance),
                "amplification": lines(unit.amplification),
                "types_of_evidence": lines(unit.types_of_evidence),
                "learning_outcomes": learning_outcomes,
                "alternatives": [{"pathway": code, "criteria": codes} for code, codes in sorted(alternatives.items())],
            }
        )
    notes = [
        _note(note)
        for note in CatalogueNote.objects.select_related("qualification", "unit", "criterion").order_by("order", "pk")
    ]
    return {"qualifications": qualifications, "units": units, "notes": notes}
