"""The whole catalogue as plain data (for `export_catalogue`), built in a fixed number of queries."""

from collections import defaultdict

from qualifications.models import (
    AssessmentCriterion,
    LearningOutcome,
    Qualification,
    QualificationUnit,
    Unit,
    UnitGroup,
)


def export_catalogue() -> dict:
    """{"qualifications": [...], "units": [...]}: qualifications by number, units by reference; the units of a
    qualification, its groups and criteria in printed order."""
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
                },
            }
        )

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
                    "criteria": [{"code": c.code, "text": c.text} for c in criteria[outcome.pk]],
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
                "learning_outcomes": learning_outcomes,
                "alternatives": [{"pathway": code, "criteria": codes} for code, codes in sorted(alternatives.items())],
            }
        )
    return {"qualifications": qualifications, "units": units}
