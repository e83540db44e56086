"""Adding, linking, submitting, withdrawing and versioning evidence: the rules of portfolio.services.evidence."""

import pytest
from django.utils import timezone

from centres.models import Event
from portfolio.models import CriterionDecision, Evidence, EvidenceLink, Registration, RegistrationUnit
from portfolio.progress import CriterionState, unit_status
from portfolio.services import AlreadyDone, NotAllowed, PortfolioError, UnitLocked
from portfolio.services.evidence import (
    add_files,
    create_evidence,
    link_criteria,
    new_version,
    save_links,
    submit_evidence,
    withdraw_evidence,
)
from portfolio.services.judgement import judge_link, mark_criterion_met, unmark_criterion
from qualifications.models import AssessmentCriterion, Unit
from tests import samples
from tests.factories import DIPLOMA_SKILLS, NVQ, make_registration
from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, link_for, make_evidence, stored_files, today

pytestmark = pytest.mark.django_db

LOCKED_MESSAGE = "This unit is locked for sign-off; ask the assessor to reopen it"


def _create(world, actor=None, **extra):
    data = {"title": "Evidence", "date": today(), "methods": ["RA"]} | extra
    return create_evidence(actor=actor or world.learner, registration=world.registration, **data)


def _lock(registration, reference):
    RegistrationUnit.objects.filter(registration=registration, unit__reference=reference).update(
        locked_at=timezone.now()
    )


def test_references_count_up_and_are_never_reused(world):
    first, second = _create(world), _create(world)
    assert (first.reference, second.reference) == (1, 2)
    withdraw_evidence(actor=world.learner, evidence=second, reason="Wrong file")
    third = _create(world)
    assert third.reference == 3
    assert _create(world, actor=world.assessor, methods=["Obs"]).reference == 4
    # Another registration counts on its own.
    assert (
        create_evidence(
            actor=world.other_learner, registration=world.other_registration, title="X", date=today(), methods=["RA"]
        ).reference
        == 1
    )


def test_creation_is_recorded_in_the_history(world):
    evidence = _create(world, files=[samples.upload("photo.jpg", samples.phone_photo_bytes())])
    event = Event.objects.get(action="evidence.created")
    assert event.actor == world.learner
    assert event.registration_id == world.registration.pk
    assert event.data["evidence_reference"] == evidence.reference
    assert event.data["files"] == ["photo.jpg"]


@pytest.mark.parametrize("who", ["iqa", "admin", "other_learner", "other_assessor", "other_centre_assessor", "eqa"])
def test_only_the_learner_or_their_assessor_may_add_evidence(world, who):
    with pytest.raises(NotAllowed):
        _create(world, actor=getattr(world, who))
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "200 characters"),
        ({"date": today(-1)}, "future"),
        ({"methods": []}, "at least one assessment method"),
        ({"methods": ["XYZ"]}, "Unknown assessment method"),
    ],
)
def test_bad_details_are_refused(world, extra, message):
    with pytest.raises(PortfolioError, match=message):
        _create(world, **extra)
    assert not Evidence.objects.exists()


def test_evidence_cannot_be_added_to_a_withdrawn_registration(world):
    Registration.objects.filter(pk=world.registration.pk).update(status=Registration.Status.WITHDRAWN)
    world.registration.refresh_from_db()
    with pytest.raises(PortfolioError, match="withdrawn"):
        _create(world)


def test_same_form_posted_twice_adds_one_piece_of_evidence(world, media_root):
    file = samples.upload("log.pdf", samples.pdf_bytes())
    first = _create(world, submission_token="abc123", files=[file])
    with pytest.raises(AlreadyDone) as again:
        _create(world, submission_token="abc123", files=[samples.upload("log.pdf", samples.pdf_bytes())])
    assert again.value.obj == first
    assert Evidence.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_links_to_criteria_in_several_units_at_once(world):
    evidence = _create(world)
    chosen = criteria_of(UNIT_A, 2) + criteria_of(UNIT_B, 2)
    added, removed = link_criteria(actor=world.learner, evidence=evidence, add=[c.pk for c in chosen])
    assert (added, removed) == (4, 0)
    assert {link.criterion.unit.reference for link in evidence.links.all()} == {UNIT_A, UNIT_B}
    assert Event.objects.get(action="evidence.linked").data["criterion_ids"] == [c.pk for c in chosen]


@pytest.mark.parametrize("where", ["unit_not_on_plan", "other_pathway", "unknown", "not_a_number"])
def test_links_outside_the_learners_plan_are_refused_and_nothing_is_linked(world, where):
    evidence = _create(world)
    good = criteria_of(UNIT_A, 1)[0].pk
    bad = {
        "unit_not_on_plan": lambda: (
            AssessmentCriterion.objects.exclude(unit__reference__in=[UNIT_A, UNIT_B]).first().pk
        ),
        "other_pathway": lambda: AssessmentCriterion.objects.filter(pathway__isnull=False).first().pk,
        "unknown": lambda: 99_999_999,
        "not_a_number": lambda: "1 OR 1=1",
    }[where]()
    with pytest.raises(PortfolioError, match="not on this learner's plan"):
        link_criteria(actor=world.learner, evidence=evidence, add=[good, bad])
    assert not evidence.links.exists()


def test_only_the_criteria_of_the_learners_pathway_can_be_linked(world):
    face = make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification=DIPLOMA_SKILLS, pathway="face-to-face"
    )
    unit = Unit.objects.get(reference="M/617/6443")
    evidence = create_evidence(actor=face.learner, registration=face, title="T", date=today(), methods=["RA"])
    link_criteria(actor=face.learner, evidence=evidence, add=[unit.criteria.get(code="S9.1").pk])
    with pytest.raises(PortfolioError, match="not on this learner's plan"):
        link_criteria(actor=face.learner, evidence=evidence, add=[unit.criteria.get(code="S9.4").pk])


def test_unjudged_links_can_be_removed_judged_ones_stay(world):
    c1, c2 = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.registration, criteria=[c1, c2])
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    link_criteria(actor=world.learner, evidence=evidence, remove=[c2.pk])
    assert list(evidence.links.values_list("criterion_id", flat=True)) == [c1.pk]
    with pytest.raises(PortfolioError, match="has been judged"):
        link_criteria(actor=world.learner, evidence=evidence, remove=[c1.pk])
    assert Event.objects.filter(action="evidence.unlinked").count() == 1


def test_save_links_keeps_judged_links_and_submits_in_one_step(world):
    c1, c2, c3 = criteria_of(UNIT_A, 3)
    evidence = _create(world, description="My account")
    save_links(
        actor=world.learner, evidence=evidence, criterion_ids=[str(c1.pk), str(c2.pk)], submit=True, declaration=True
    )
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.SUBMITTED
    assert evidence.declared_own_work_at is not None


def test_save_links_refused_submission_saves_no_links(world):
    evidence = _create(world, description="My account")
    with pytest.raises(PortfolioError, match="declaration"):
        save_links(actor=world.learner, evidence=evidence, criterion_ids=[criteria_of(UNIT_A, 1)[0].pk], submit=True)
    assert not evidence.links.exists()
    assert Evidence.objects.get(pk=evidence.pk).status == Evidence.Status.DRAFT


def test_learner_must_declare_own_work_to_submit(world):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), submit=False)
    with pytest.raises(PortfolioError, match="declaration"):
        submit_evidence(actor=world.learner, evidence=evidence)
    submit_evidence(actor=world.learner, evidence=evidence, declaration=True)
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.SUBMITTED and evidence.declared_own_work_at is not None


def test_assessors_observation_record_needs_no_declaration(world):
    evidence = make_evidence(
        world.registration,
        author=world.assessor,
        criteria=criteria_of(UNIT_A, 1),
        submit=False,
        files=[],
        methods=("Obs", "Q"),
        description="Observed the learner greeting customers.",
    )
    submit_evidence(actor=world.assessor, evidence=evidence)
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.SUBMITTED
    assert evidence.declared_own_work_at is None


def test_learner_cannot_change_the_assessors_record(world):
    evidence = make_evidence(world.registration, author=world.assessor, submit=False, methods=("Obs",))
    with pytest.raises(NotAllowed):
        link_criteria(actor=world.learner, evidence=evidence, add=[criteria_of(UNIT_A, 1)[0].pk])


def test_submission_needs_links_and_content(world):
    empty = _create(world)
    with pytest.raises(PortfolioError, match="at least one criterion"):
        submit_evidence(actor=world.learner, evidence=empty, declaration=True)
    link_criteria(actor=world.learner, evidence=empty, add=[criteria_of(UNIT_A, 1)[0].pk])
    with pytest.raises(PortfolioError, match="file or a written record"):
        submit_evidence(actor=world.learner, evidence=empty, declaration=True)


def test_submitting_twice_is_refused_clearly_and_changes_nothing(world):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1))
    submitted_at = evidence.submitted_at
    with pytest.raises(AlreadyDone, match="already been submitted"):
        submit_evidence(actor=world.learner, evidence=evidence, declaration=True)
    evidence.refresh_from_db()
    assert evidence.submitted_at == submitted_at
    assert Event.objects.filter(action="evidence.submitted").count() == 1


def test_files_are_added_to_drafts_only(world):
    evidence = make_evidence(world.registration, submit=False)
    add_files(actor=world.learner, evidence=evidence, files=[samples.upload("p.png", samples.png_bytes())])
    assert evidence.files.count() == 2
    link_criteria(actor=world.learner, evidence=evidence, add=[criteria_of(UNIT_A, 1)[0].pk])
    submit_evidence(actor=world.learner, evidence=evidence, declaration=True)
    with pytest.raises(PortfolioError, match="new version"):
        add_files(actor=world.learner, evidence=evidence, files=[samples.upload("p.png", samples.png_bytes())])


def test_withdrawn_evidence_stays_but_no_longer_counts(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[c1])
    with pytest.raises(PortfolioError, match="Say why"):
        withdraw_evidence(actor=world.learner, evidence=evidence, reason=" ")
    withdraw_evidence(actor=world.learner, evidence=evidence, reason="Uploaded the wrong photo")
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.WITHDRAWN and evidence.withdrawn_by == world.learner
    status = unit_status(world.registration, c1.unit)
    assert {s.criterion.pk: s.state for s in status.criteria}[c1.pk] == CriterionState.NO_EVIDENCE
    with pytest.raises(AlreadyDone):
        withdraw_evidence(actor=world.learner, evidence=evidence, reason="again")
    with pytest.raises(PortfolioError, match="withdrawn"):
        link_criteria(actor=world.learner, evidence=evidence, add=[criteria_of(UNIT_B, 1)[0].pk])


def test_evidence_holding_up_a_met_criterion_cannot_be_withdrawn(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[c1])
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1)
    with pytest.raises(PortfolioError, match="unmark"):
        withdraw_evidence(actor=world.learner, evidence=evidence, reason="Changed my mind")
    unmark_criterion(actor=world.assessor, registration=world.registration, criterion=c1)
    withdraw_evidence(actor=world.learner, evidence=evidence, reason="Changed my mind")


def test_rejected_evidence_gets_a_new_version_with_the_same_reference(world, media_root):
    c1, c2 = criteria_of(UNIT_A, 2)
    old = make_evidence(world.registration, criteria=[c1, c2])
    with pytest.raises(PortfolioError, match="rejected"):
        new_version(actor=world.learner, evidence=old)
    judge_link(actor=world.assessor, link=link_for(old, c1), accepted=True)
    judge_link(actor=world.assessor, link=link_for(old, c2), accepted=False, feedback="Add the customer's reply")
    new = new_version(
        actor=world.learner,
        evidence=old,
        description="Now with the reply",
        files=[samples.upload("reply.png", samples.png_bytes())],
        keep_files=True,
    )
    old.refresh_from_db()
    assert (new.reference, new.version, new.supersedes, new.status) == (old.reference, 2, old, Evidence.Status.DRAFT)
    assert not old.is_current and new.is_current
    assert sorted(new.files.values_list("original_name", flat=True)) == ["log.pdf", "reply.png"]
    assert set(new.links.values_list("criterion_id", "status")) == {
        (c1.pk, EvidenceLink.Status.PENDING),
        (c2.pk, EvidenceLink.Status.PENDING),
    }
    # The earlier version keeps its judgements.
    assert link_for(old, c2).feedback == "Add the customer's reply"
    with pytest.raises(AlreadyDone):
        new_version(actor=world.learner, evidence=old)
    submit_evidence(actor=world.learner, evidence=new, declaration=True)
    assert Event.objects.filter(action="evidence.new_version", data__evidence_reference=old.reference).exists()


class TestSignedOffUnitIsFrozen:
    """While the assessor has signed a unit off (RegistrationUnit.locked_at), nothing touching it may change."""

    def test_linking_to_a_locked_unit(self, world):
        evidence = _create(world)
        _lock(world.registration, UNIT_A)
        with pytest.raises(UnitLocked, match=LOCKED_MESSAGE):
            link_criteria(actor=world.learner, evidence=evidence, add=[criteria_of(UNIT_A, 1)[0].pk])
        link_criteria(actor=world.learner, evidence=evidence, add=[criteria_of(UNIT_B, 1)[0].pk])

    def test_unlinking_submitting_adding_files_withdrawing(self, world):
        c1 = criteria_of(UNIT_A, 1)[0]
        draft = make_evidence(world.registration, criteria=[c1], submit=False)
        submitted = make_evidence(world.registration, criteria=[c1])
        _lock(world.registration, UNIT_A)
        for attempt in [
            lambda: link_criteria(actor=world.learner, evidence=draft, remove=[c1.pk]),
            lambda: submit_evidence(actor=world.learner, evidence=draft, declaration=True),
            lambda: add_files(
                actor=world.learner, evidence=draft, files=[samples.upload("a.png", samples.png_bytes())]
            ),
            lambda: withdraw_evidence(actor=world.learner, evidence=submitted, reason="No"),
        ]:
            with pytest.raises(UnitLocked, match=LOCKED_MESSAGE):
                attempt()
        assert draft.links.count() == 1 and draft.files.count() == 1

    def test_judging_marking_unmarking_and_new_versions(self, world):
        c1, c2 = criteria_of(UNIT_A, 2)
        evidence = make_evidence(world.registration, criteria=[c1, c2])
        judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
        mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1)
        judge_link(actor=world.assessor, link=link_for(evidence, c2), accepted=False, feedback="More detail")
        _lock(world.registration, UNIT_A)
        for attempt in [
            lambda: judge_link(actor=world.assessor, link=link_for(evidence, c2), accepted=True),
            lambda: mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c2),
            lambda: unmark_criterion(actor=world.assessor, registration=world.registration, criterion=c1),
            lambda: new_version(actor=world.learner, evidence=evidence),
        ]:
            with pytest.raises(UnitLocked, match=LOCKED_MESSAGE):
                attempt()
        assert CriterionDecision.objects.get(criterion=c1).is_met
        assert Evidence.objects.filter(reference=evidence.reference).count() == 1

    def test_another_qualifications_unit_being_locked_does_not_matter(self, world):
        """The learner's Certificate unit is locked; their evidence for the NVQ still links, and the link is kept."""
        nvq = make_registration(world.centre, world.learner, assessor=world.assessor, iqa=world.iqa, qualification=NVQ)
        evidence = create_evidence(actor=world.learner, registration=nvq, title="T", date=today(), methods=["RA"])
        criterion = AssessmentCriterion.objects.filter(unit__in=nvq.units.all()).first()
        _lock(world.registration, UNIT_A)
        link_criteria(actor=world.learner, evidence=evidence, add=[criterion.pk])
        assert list(evidence.links.values_list("criterion_id", flat=True)) == [criterion.pk]
