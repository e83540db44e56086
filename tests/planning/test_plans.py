"""Assessment plan rules: criteria in scope, signatures with content hashes, staleness, versions, tick-off."""

import datetime as dt

import pytest
from django.utils import timezone

from centres.models import Event
from planning.models import AssessmentPlan, PlanItem, PlanSignature
from planning.selectors import overdue_items, version_page
from planning.services.plans import PlanError, PlanNotAllowed, revise_plan, sign_plan, version_hash
from portfolio.models import Evidence, EvidenceLink
from qualifications.models import AssessmentCriterion
from tests.factories import DIPLOMA_SKILLS, make_registration

from .helpers import criteria_of, item, make_plan

pytestmark = pytest.mark.django_db


def test_assessor_draws_up_a_plan_with_items_criteria_and_methods(world):
    version = make_plan(world.registration)
    assert version.number == 1 and version.is_current
    items = list(version.items.order_by("position"))
    assert [i.activity for i in items] == ["Observe a customer complaint", "Write a reflective account"]
    assert [m.code for m in items[1].methods.all()] == ["RA"]
    assert Event.objects.filter(action="assessment_plan_created", registration_id=world.registration.pk).exists()


def test_criterion_outside_the_registration_is_refused_and_nothing_is_stored(world):
    outside = AssessmentCriterion.objects.exclude(unit__in=world.registration.plan.values("unit_id")).first()
    with pytest.raises(PlanError, match="only target criteria of this learner's units and pathway"):
        make_plan(world.registration, items=[item([outside])])
    assert not AssessmentPlan.objects.exists() and not PlanItem.objects.exists()


def test_criterion_of_another_pathway_is_refused(world):
    registration = make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification=DIPLOMA_SKILLS, pathway="non-facing"
    )
    other_pathway = AssessmentCriterion.objects.filter(
        unit__in=registration.plan.values("unit_id"), pathway__isnull=False
    ).exclude(pathway=registration.pathway)
    assert other_pathway.exists()
    with pytest.raises(PlanError, match="not on them"):
        make_plan(registration, items=[item([other_pathway.first()])])
    # the learner's own pathway's criteria are fine
    own = AssessmentCriterion.objects.filter(unit__in=registration.plan.values("unit_id"), pathway=registration.pathway)
    assert make_plan(registration, items=[item([own.first()])]).items.count() == 1


def test_only_the_learners_assessor_draws_up_a_plan(world):
    with pytest.raises(PlanNotAllowed):
        from planning.services.plans import create_plan

        create_plan(
            registration=world.registration,
            user=world.other_assessor,
            title="Not mine",
            items=[item(criteria_of(world.registration, 1))],
        )


def test_both_sign_with_the_content_hash_they_were_shown(world):
    version = make_plan(world.registration)
    shown = version_hash(version)
    learner_signature = sign_plan(
        version=version, user=world.learner, expected_hash=shown, ip_address="203.0.113.7", user_agent="Phone"
    )
    sign_plan(version=version, user=world.assessor, expected_hash=shown)
    assert learner_signature.content_hash == shown and len(shown) == 64
    assert learner_signature.ip_address == "203.0.113.7" and learner_signature.user_agent == "Phone"
    assert set(version.signatures.values_list("role", flat=True)) == {"learner", "assessor"}
    assert Event.objects.filter(action="assessment_plan_signed").count() == 2


def test_a_stale_hash_is_refused(world):
    version = make_plan(world.registration)
    with pytest.raises(PlanError, match="not the one you were shown"):
        sign_plan(version=version, user=world.learner, expected_hash="0" * 64)
    assert not PlanSignature.objects.exists()


def test_signing_a_revised_version_is_refused_and_replay_is_refused(world):
    version = make_plan(world.registration)
    shown = version_hash(version)
    sign_plan(version=version, user=world.learner, expected_hash=shown)
    with pytest.raises(PlanError, match="already signed"):
        sign_plan(version=version, user=world.learner, expected_hash=shown)  # the same request replayed
    revise_plan(
        plan=version.plan,
        user=world.assessor,
        reason="Moved the observation",
        items=[item(criteria_of(world.registration, 1), due_on=dt.date.today() + dt.timedelta(days=30))],
    )
    with pytest.raises(PlanError, match="has been revised"):
        sign_plan(version=version, user=world.assessor, expected_hash=shown)
    assert PlanSignature.objects.count() == 1


def test_other_people_cannot_sign(world):
    version = make_plan(world.registration)
    for person in (world.iqa, world.admin, world.other_learner, world.other_assessor):
        with pytest.raises(PlanNotAllowed):
            sign_plan(version=version, user=person, expected_hash=version_hash(version))


def test_revising_keeps_the_signed_version_and_needs_new_signatures(world):
    version = make_plan(world.registration)
    shown = version_hash(version)
    sign_plan(version=version, user=world.learner, expected_hash=shown)
    sign_plan(version=version, user=world.assessor, expected_hash=shown)
    second = revise_plan(
        plan=version.plan,
        user=world.assessor,
        reason="Added a discussion",
        items=[item(criteria_of(world.registration, 3))],
    )
    version.refresh_from_db()
    assert second.number == 2 and second.is_current and not version.is_current
    assert version_hash(version) == shown  # the signed content is untouched
    assert version.signatures.count() == 2 and second.signatures.count() == 0
    old = version_page(version.plan, 1)
    assert [row.item.activity for row in old.rows] == ["Observe a customer complaint", "Write a reflective account"]
    assert [v.number for v in old.versions] == [1, 2]
    assert Event.objects.filter(action="assessment_plan_revised").exists()
    with pytest.raises(PlanError, match="why"):
        revise_plan(plan=version.plan, user=world.assessor, reason=" ", items=[item(criteria_of(world.registration))])


def _accepted_evidence(registration, criterion, reference=1):
    evidence = Evidence.objects.create(
        registration=registration,
        reference=reference,
        title="Log",
        date=dt.date.today(),
        author=registration.learner,
        status=Evidence.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    return EvidenceLink.objects.create(evidence=evidence, criterion=criterion, status=EvidenceLink.Status.ACCEPTED)


def test_items_tick_off_when_evidence_for_all_their_criteria_is_accepted(world):
    criteria = criteria_of(world.registration, 2)
    version = make_plan(world.registration, items=[item(criteria)])
    row = version_page(version.plan).rows[0]
    assert not row.done and row.covered == 0
    link = _accepted_evidence(world.registration, criteria[0])
    row = version_page(version.plan).rows[0]
    assert not row.done and row.covered == 1
    pending = _accepted_evidence(world.registration, criteria[1], reference=2)
    pending.status = EvidenceLink.Status.PENDING
    pending.save()
    assert not version_page(version.plan).rows[0].done  # not yet accepted
    pending.status = EvidenceLink.Status.ACCEPTED
    pending.save()
    assert version_page(version.plan).rows[0].done
    assert link.pk


def test_evidence_in_another_portfolio_does_not_tick_an_item_off(world):
    criteria = criteria_of(world.registration, 1)
    version = make_plan(world.registration, items=[item(criteria)])
    _accepted_evidence(world.other_registration, criteria[0])
    row = version_page(version.plan).rows[0]
    assert (row.covered, row.done) == (0, False)
    _accepted_evidence(world.registration, criteria[0], reference=2)
    row = version_page(version.plan).rows[0]
    assert (row.covered, row.done) == (1, True)


def test_overdue_items_for_the_learner_and_the_assessor(world):
    criteria = criteria_of(world.registration, 2)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    make_plan(
        world.registration,
        items=[item(criteria[:1], due_on=yesterday, activity="Late one"), item(criteria[1:], activity="On time")],
    )
    assert [plan_item.activity for plan_item in overdue_items(learner=world.learner)] == ["Late one"]
    assert [plan_item.activity for plan_item in overdue_items(assessor=world.assessor)] == ["Late one"]
    assert overdue_items(assessor=world.other_assessor) == []
    _accepted_evidence(world.registration, criteria[0])
    assert overdue_items(learner=world.learner) == []  # done, so no longer overdue
