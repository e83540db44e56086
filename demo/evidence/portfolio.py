"""One demo learner's registration, with the people who act on it and the criteria on their plan, and the ways the
demo adds, judges and countersigns evidence on it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink
from portfolio.services import AlreadyDone
from portfolio.services.checks import allowed_criteria
from portfolio.services.evidence import create_evidence, link_criteria, submit_evidence
from portfolio.services.judgement import countersign_decision, countersign_link, judge_link, mark_criterion_met


class Portfolio:
    """One demo learner's registration, with the people who act on it and the criteria on their plan."""

    def __init__(self, context: dict, registration, countersignatory=None):
        self.context = context
        self.registration = registration
        self.learner = registration.learner
        self.assessor = registration.assessor
        self.countersignatory = countersignatory
        self.criteria = sorted(allowed_criteria(registration).values(), key=lambda c: (c.unit.reference, c.order))

    def unit(self, reference: str, outcomes: tuple[str, ...] = ()) -> list:
        """The criteria of a unit on the plan (only those of the given learning outcomes, if any)."""
        return [
            criterion
            for criterion in self.criteria
            if criterion.unit.reference == reference and (not outcomes or criterion.learning_outcome.number in outcomes)
        ]

    def first_of_each_unit(self, count: int, *, units: int = 2) -> list:
        """The first criteria of the first units on the plan."""
        by_unit: dict[int, list] = {}
        for criterion in self.criteria:
            by_unit.setdefault(criterion.unit_id, []).append(criterion)
        return [criterion for criteria in list(by_unit.values())[:units] for criterion in criteria[:count]]

    def select(self, spec: dict) -> list:
        """The criteria a piece of evidence in portfolios.toml names: those of a unit (`unit`, `outcomes`), of several
        units (`units`) or the first of each unit (`first_of_each_unit`), then only those from `from` up to `to` when
        given."""
        if "units" in spec:
            criteria = [criterion for reference in spec["units"] for criterion in self.unit(reference)]
        elif "unit" in spec:
            criteria = self.unit(spec["unit"], tuple(spec.get("outcomes", ())))
        else:
            criteria = self.first_of_each_unit(spec["first_of_each_unit"])
        return criteria[spec.get("from", 0) : spec.get("to")]

    def add(self, author, *, title, days_ago, methods, location, description="", files=(), criteria=(), submit=True):
        evidence = create_evidence(
            actor=author,
            registration=self.registration,
            title=title,
            date=timezone.localdate() - dt.timedelta(days=days_ago),
            methods=methods,
            description=description,
            location=location,
            files=list(files),
        )
        self.context.setdefault("stored_files", []).extend(
            name for stored in evidence.files.all() for name in (stored.file.name, stored.thumbnail.name) if name
        )
        link_criteria(actor=author, evidence=evidence, add=[criterion.pk for criterion in criteria])
        if submit:
            submit_evidence(actor=author, evidence=evidence, declaration=author == self.learner)
        return evidence

    def judge(self, evidence, *, accept=(), reject=(), feedback="", mark_met=True) -> None:
        links = {link.criterion_id: link for link in EvidenceLink.objects.filter(evidence=evidence)}
        for criterion in accept:
            judge_link(actor=self.assessor, link=links[criterion.pk], accepted=True)
            if mark_met:
                try:
                    mark_criterion_met(actor=self.assessor, registration=self.registration, criterion=criterion)
                except AlreadyDone:
                    pass
        for criterion in reject:
            judge_link(actor=self.assessor, link=links[criterion.pk], accepted=False, feedback=feedback)

    def countersign_all(self, note: str = "") -> None:
        """The countersignatory confirms every judgement and decision of the trainee still awaiting them."""
        awaiting = CountersignStatus.AWAITING
        for link in EvidenceLink.objects.filter(evidence__registration=self.registration, countersign_status=awaiting):
            countersign_link(actor=self.countersignatory, link=link, confirm=True, note=note)
        for decision in CriterionDecision.objects.filter(registration=self.registration, countersign_status=awaiting):
            countersign_decision(actor=self.countersignatory, decision=decision, confirm=True, note=note)
