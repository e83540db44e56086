import datetime as dt

import pytest

from portfolio.models import CountersignStatus, CriterionDecision, Evidence, EvidenceLink
from portfolio.progress import CriterionState, registration_progress, unit_status, unit_statuses
from qualifications.models import AssessmentMethod, Unit
from tests.factories import DIPLOMA_SKILLS, make_registration

pytestmark = pytest.mark.django_db


def _evidence(registration, reference, *criteria, status=EvidenceLink.Status.PENDING, methods=("Obs",)):
    evidence = Evidence.objects.create(
        registration=registration,
        reference=reference,
        title=f"Evidence {reference}",
        date=dt.date(2026, 1, reference),
        author=registration.learner,
        status=Evidence.Status.SUBMITTED,
    )
    evidence.methods.set(AssessmentMethod.objects.filter(code__in=methods))
    for criterion in criteria:
        EvidenceLink.objects.create(evidence=evidence, criterion=criterion, status=status)
    return evidence


def _met(registration, criterion, **extra):
    return CriterionDecision.objects.create(
        registration=registration,
        criterion=criterion,
        met_on=dt.date(2026, 2, 1),
        decided_by=registration.assessor,
        **extra,
    )


def test_states_follow_evidence_and_decisions(world):
    registration = world.registration
    unit = Unit.objects.get(reference="J/600/1003")
    c1, c2, c3, c4 = list(unit.criteria.order_by("order")[:4])
    _evidence(registration, 1, c1, c2, status=EvidenceLink.Status.ACCEPTED, methods=("Obs", "Q"))
    _evidence(registration, 2, c3)
    _met(registration, c1)
    _met(registration, c2, countersign_status=CountersignStatus.AWAITING)

    status = unit_status(registration, unit)
    by_code = {s.criterion.code: s for s in status.criteria}
    assert by_code[c1.code].state == CriterionState.MET
    assert by_code[c1.code].methods == ["Obs", "Q"]
    assert by_code[c1.code].references == [1]
    assert by_code[c2.code].state == CriterionState.AWAITING_COUNTERSIGNATURE
    assert by_code[c3.code].state == CriterionState.AWAITING_REVIEW
    assert by_code[c4.code].state == CriterionState.NO_EVIDENCE
    assert status.met == 1
    assert status.required == unit.criteria.count()
    assert c4.pk in {gap.criterion.pk for gap in status.gaps}


def test_only_the_learners_pathway_counts(world):
    face = make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification=DIPLOMA_SKILLS, pathway="face-to-face"
    )
    unit = Unit.objects.get(reference="M/617/6443")
    status = unit_status(face, unit)
    required = {s.criterion.code for s in status.criteria if s.required}
    assert required == {"S9.1", "S9.2", "S9.3"}
    assert {s.criterion.code: s.state for s in status.criteria}["S9.4"] == CriterionState.NOT_REQUIRED


def test_registration_progress_counts_met_of_required(world):
    registration = world.registration
    unit = Unit.objects.get(reference="J/600/1003")
    c1 = unit.criteria.order_by("order").first()
    _evidence(registration, 1, c1, status=EvidenceLink.Status.ACCEPTED)
    _evidence(registration, 2, c1)
    _met(registration, c1)
    progress = registration_progress([registration, world.other_registration])
    total = sum(u.criteria.count() for u in registration.units.all())
    assert progress[registration.pk].met == 1
    assert progress[registration.pk].required == total
    assert progress[registration.pk].awaiting_review == 1
    assert progress[world.other_registration.pk].met == 0


def test_unit_statuses_take_the_same_queries_whatever_the_evidence(world, django_assert_num_queries):
    registration = world.registration
    criteria = list(Unit.objects.get(reference="J/600/1003").criteria.all())
    _evidence(registration, 1, criteria[0], status=EvidenceLink.Status.ACCEPTED)
    # The catalogue's version (the catalogue itself is held in memory), the plan (with whether any unit is carried
    # over from another registration: none here, so no query for the carries), the links with their evidence and
    # its methods, and the decisions.
    with django_assert_num_queries(4):
        small = unit_statuses(registration)
        [s.methods for u in small for s in u.criteria]
    for n in range(2, 12):
        _evidence(registration, n, *criteria, status=EvidenceLink.Status.ACCEPTED, methods=("Obs", "PE"))
    for criterion in criteria:
        _met(registration, criterion)
    with django_assert_num_queries(4):
        large = unit_statuses(registration)
        [s.methods for u in large for s in u.criteria]
    assert large[0].met == len(criteria)
