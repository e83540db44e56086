import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from centres.models import Event, PersonalInterest
from portfolio.models import CriterionDecision, EqaShare, EvidenceLink, Registration, RegistrationUnit
from qualifications.models import Unit
from tests.factories import make_staff
from tracking import selectors
from tracking.models import Signature, SignatureRole, UnitSignOff
from tracking.selectors import signoff_state
from tracking.services.signoff import SignOffError, reopen_unit, roles_user_may_sign, sign_unit

from .helpers import add_evidence, complete_unit, first_unit, new_version, share_with_eqa

pytestmark = pytest.mark.django_db


def _sign(world, unit, user, role, registration=None):
    return sign_unit(registration=registration or world.registration, unit=unit, user=user, role=role)


def _signed_off(world, unit):
    _sign(world, unit, world.learner, SignatureRole.LEARNER)
    return _sign(world, unit, world.assessor, SignatureRole.ASSESSOR)


def test_learner_then_assessor_sign_a_complete_unit_and_the_unit_locks(world, completed):
    learner_signature = _sign(world, completed, world.learner, SignatureRole.LEARNER)
    assessor_signature = _sign(world, completed, world.assessor, SignatureRole.ASSESSOR)

    assert learner_signature.name_at_signing == "Lena Learner"
    assert len(assessor_signature.content_hash) == 64
    assert assessor_signature.content_hash == learner_signature.content_hash
    plan_entry = RegistrationUnit.objects.get(registration=world.registration, unit=completed)
    assert plan_entry.locked_at is not None
    state = signoff_state(world.registration, completed)
    assert state.signed_off and not state.content_changed
    assert state.matches(assessor_signature)
    events = Event.objects.filter(action="unit_signed", registration_id=world.registration.pk)
    assert [event.data["role"] for event in events.order_by("at", "id")] == ["learner", "assessor"]


def test_learner_cannot_sign_before_every_required_criterion_is_met(world, unit):
    criteria = list(unit.criteria.order_by("order"))
    add_evidence(world.registration, criteria[:3])
    with pytest.raises(SignOffError, match="Every required criterion must be met"):
        _sign(world, unit, world.learner, SignatureRole.LEARNER)
    assert not Signature.objects.exists()


def test_assessor_cannot_sign_before_the_learner(world, completed):
    with pytest.raises(SignOffError, match="The learner signs first"):
        _sign(world, completed, world.assessor, SignatureRole.ASSESSOR)


def test_nobody_signs_for_someone_else(world, completed):
    with pytest.raises(SignOffError, match="Only the learner"):
        _sign(world, completed, world.assessor, SignatureRole.LEARNER)
    with pytest.raises(SignOffError, match="Only the learner"):
        _sign(world, completed, world.other_learner, SignatureRole.LEARNER)
    _sign(world, completed, world.learner, SignatureRole.LEARNER)
    with pytest.raises(SignOffError, match="Only the learner's assessor"):
        _sign(world, completed, world.learner, SignatureRole.ASSESSOR)
    with pytest.raises(SignOffError, match="Only the learner's assessor"):
        _sign(world, completed, world.other_assessor, SignatureRole.ASSESSOR)
    with pytest.raises(SignOffError, match="Only the learner's assessor"):
        _sign(world, completed, world.iqa, SignatureRole.ASSESSOR)
    assert Signature.objects.count() == 1


def test_a_role_is_signed_only_once(world, completed):
    _sign(world, completed, world.learner, SignatureRole.LEARNER)
    with pytest.raises(SignOffError, match="Lena Learner has already signed as learner"):
        _sign(world, completed, world.learner, SignatureRole.LEARNER)


def test_the_database_allows_one_live_signature_per_role(world, completed):
    signature = _sign(world, completed, world.learner, SignatureRole.LEARNER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            sign_off=signature.sign_off,
            role=SignatureRole.LEARNER,
            user=world.learner,
            name_at_signing="x",
            content_hash="0" * 64,
        )


def test_qualified_assessors_sign_off_needs_no_countersignature(world, completed):
    _signed_off(world, completed)
    state = signoff_state(world.registration, completed)
    assert state.signed_off
    assert not state.assessor_needs_countersignature
    with pytest.raises(SignOffError, match="does not need a countersignature"):
        _sign(world, completed, world.assessor, SignatureRole.COUNTERSIGNER)


def test_trainee_sign_off_is_countersigned_by_their_countersignatory_only(world):
    registration = world.trainee_registration
    unit = first_unit(registration)
    complete_unit(registration, unit, by=world.trainee)
    # The trainee's decisions were countersigned by their supervisor (a final decision counts as met).
    CriterionDecision.objects.filter(registration=registration).update(
        countersign_status="confirmed", countersigned_by=world.assessor
    )
    _sign(world, unit, registration.learner, SignatureRole.LEARNER, registration)
    _sign(world, unit, world.trainee, SignatureRole.ASSESSOR, registration)
    state = signoff_state(registration, unit)
    assert state.assessor_needs_countersignature and not state.signed_off
    assert state.next_role == SignatureRole.COUNTERSIGNER
    with pytest.raises(SignOffError, match="The unit is not signed off yet: the countersignatory"):
        _sign(world, unit, world.iqa, SignatureRole.IQA, registration)
    with pytest.raises(SignOffError, match="countersignatory"):
        _sign(world, unit, world.other_assessor, SignatureRole.COUNTERSIGNER, registration)
    with pytest.raises(SignOffError, match="countersignatory"):
        _sign(world, unit, world.trainee, SignatureRole.COUNTERSIGNER, registration)
    signature = _sign(world, unit, world.assessor, SignatureRole.COUNTERSIGNER, registration)
    assert signature.role == SignatureRole.COUNTERSIGNER
    assert signoff_state(registration, unit).signed_off


def test_iqa_and_then_eqa_sign_a_signed_off_unit(world, completed):
    _signed_off(world, completed)
    share_with_eqa(world, world.registration, completed)
    _sign(world, completed, world.iqa, SignatureRole.IQA)
    _sign(world, completed, world.eqa, SignatureRole.EQA)
    state = signoff_state(world.registration, completed)
    assert [s.role for s in state.live_in_order] == ["learner", "assessor", "iqa", "eqa"]
    assert "IQA and EQS" in state.stage


def test_iqa_cannot_sign_before_the_assessor(world, completed):
    _sign(world, completed, world.learner, SignatureRole.LEARNER)
    with pytest.raises(SignOffError, match="not signed off yet: the assessor"):
        _sign(world, completed, world.iqa, SignatureRole.IQA)


def test_iqa_cannot_sign_after_the_eqs(world, completed):
    _signed_off(world, completed)
    share_with_eqa(world, world.registration)
    _sign(world, completed, world.eqa, SignatureRole.EQA)
    with pytest.raises(SignOffError, match="EQS has already signed"):
        _sign(world, completed, world.iqa, SignatureRole.IQA)


def test_iqa_cannot_sign_a_unit_whose_decisions_they_made(world, completed):
    _signed_off(world, completed)
    criterion = completed.criteria.order_by("order").first()
    CriterionDecision.objects.filter(registration=world.registration, criterion=criterion).update(decided_by=world.iqa)
    with pytest.raises(SignOffError, match="made or countersigned decisions on this learner"):
        _sign(world, completed, world.iqa, SignatureRole.IQA)


def test_iqa_cannot_sign_a_unit_whose_judgements_they_countersigned(world, completed):
    _signed_off(world, completed)
    second_iqa = make_staff(world.centre, "iqa")
    link = EvidenceLink.objects.filter(evidence__registration=world.registration, criterion__unit=completed).first()
    EvidenceLink.objects.filter(pk=link.pk).update(countersigned_by=second_iqa)
    with pytest.raises(SignOffError, match="made or countersigned decisions"):
        _sign(world, completed, second_iqa, SignatureRole.IQA)
    # The registration's own IQA, not involved, may sign.
    _sign(world, completed, world.iqa, SignatureRole.IQA)


def test_another_iqa_of_the_centre_may_sign_but_not_another_centres(world, completed):
    _signed_off(world, completed)
    other_centre_iqa = make_staff(world.other_centre, "iqa")
    with pytest.raises(SignOffError, match="Only an internal quality assurer of this centre"):
        _sign(world, completed, other_centre_iqa, SignatureRole.IQA)
    second_iqa = make_staff(world.centre, "iqa")
    assert _sign(world, completed, second_iqa, SignatureRole.IQA).user == second_iqa


def test_iqa_with_a_personal_interest_cannot_sign(world, completed):
    _signed_off(world, completed)
    PersonalInterest.objects.create(centre=world.centre, staff=world.iqa, learner=world.learner)
    with pytest.raises(SignOffError, match="personal interest"):
        _sign(world, completed, world.iqa, SignatureRole.IQA)


def test_eqa_signs_only_what_was_shared_with_them(world, completed):
    _signed_off(world, completed)
    with pytest.raises(SignOffError, match="Only an EQA with whom this unit has been shared"):
        _sign(world, completed, world.eqa, SignatureRole.EQA)
    other_unit = [u for u in world.registration.units.all() if u.pk != completed.pk][0]
    share_with_eqa(world, world.registration, other_unit)
    with pytest.raises(SignOffError, match="Only an EQA with whom"):
        _sign(world, completed, world.eqa, SignatureRole.EQA)
    share_with_eqa(world, world.registration, completed)
    assert _sign(world, completed, world.eqa, SignatureRole.EQA).role == SignatureRole.EQA


def test_expired_or_revoked_share_does_not_let_the_eqa_sign(world, completed):
    _signed_off(world, completed)
    share = share_with_eqa(world, world.registration, completed)
    EqaShare.objects.filter(pk=share.pk).update(revoked_at=dt.datetime.now(dt.UTC))
    with pytest.raises(SignOffError, match="Only an EQA with whom"):
        _sign(world, completed, world.eqa, SignatureRole.EQA)


def test_content_change_after_signing_shows_and_blocks_further_signatures(world, completed):
    _sign(world, completed, world.learner, SignatureRole.LEARNER)
    evidence = world.registration.evidence.order_by("reference").first()
    new_version(evidence)  # e.g. the learner replaced a file before the assessor signed
    state = signoff_state(world.registration, completed)
    assert state.content_changed
    assert not state.matches(state.live[SignatureRole.LEARNER])
    with pytest.raises(SignOffError, match="The sheet has changed since it was signed"):
        _sign(world, completed, world.assessor, SignatureRole.ASSESSOR)


def test_unmarking_a_criterion_changes_the_content_hash(world, completed):
    before = signoff_state(world.registration, completed).content_hash
    decision = CriterionDecision.objects.filter(registration=world.registration, criterion__unit=completed).first()
    decision.is_met = False
    decision.save()
    after = signoff_state(world.registration, completed)
    assert after.content_hash != before
    assert not after.status.complete


def test_signing_what_you_saw_refuses_a_sheet_that_changed_meanwhile(world, completed):
    seen = signoff_state(world.registration, completed).content_hash
    add_evidence(world.registration, [completed.criteria.first()], methods=("PD",))
    with pytest.raises(SignOffError, match="changed while you were reading it"):
        sign_unit(
            registration=world.registration, unit=completed, user=world.learner, role="learner", expected_hash=seen
        )


def test_reopen_voids_every_signature_unlocks_and_is_kept_in_history(world, completed):
    _signed_off(world, completed)
    _sign(world, completed, world.iqa, SignatureRole.IQA)
    voided = reopen_unit(
        registration=world.registration, unit=completed, user=world.assessor, reason="New witness statement"
    )
    assert [s.role for s in voided] == ["learner", "assessor", "iqa"]
    assert not Signature.objects.live().exists()
    assert Signature.objects.count() == 3
    signature = Signature.objects.get(role="iqa")
    assert signature.voided_by == world.assessor and signature.void_reason == "New witness statement"
    assert RegistrationUnit.objects.get(registration=world.registration, unit=completed).locked_at is None
    event = Event.objects.get(action="unit_reopened")
    assert event.data["reason"] == "New witness statement"
    assert {v["role"] for v in event.data["voided"]} == {"learner", "assessor", "iqa"}
    # The chain is signed again from the learner onwards.
    _signed_off(world, completed)
    assert Signature.objects.live().count() == 2


def test_only_the_assessor_reopens_and_only_with_a_reason(world, completed):
    _signed_off(world, completed)
    with pytest.raises(SignOffError, match="Give a reason"):
        reopen_unit(registration=world.registration, unit=completed, user=world.assessor, reason="  ")
    for user in (world.learner, world.iqa, world.other_assessor, world.admin):
        with pytest.raises(SignOffError, match="Only the learner's assessor"):
            reopen_unit(registration=world.registration, unit=completed, user=user, reason="Because")
    assert Signature.objects.live().count() == 2


def test_iqa_may_reopen_after_a_sample_that_disagrees(world, completed):
    _signed_off(world, completed)
    voided = reopen_unit(
        registration=world.registration, unit=completed, user=world.iqa, reason="Sample disagreed", by_iqa_sample=True
    )
    assert len(voided) == 2
    with pytest.raises(SignOffError, match="no signatures to reopen"):
        reopen_unit(registration=world.registration, unit=completed, user=world.assessor, reason="Again")


def test_roles_user_may_sign_says_what_each_person_can_do_now(world, completed):
    state = signoff_state(world.registration, completed)
    assert roles_user_may_sign(state, world.learner) == {"learner": None}
    assert "learner signs first" in roles_user_may_sign(state, world.assessor)["assessor"]
    assert roles_user_may_sign(state, world.other_learner) == {}
    assert "not signed off yet" in roles_user_may_sign(state, world.iqa)["iqa"]


def test_a_unit_not_on_the_plan_cannot_be_signed(world):
    elsewhere = Unit.objects.exclude(pk__in=world.registration.units.values("pk")).first()
    with pytest.raises(SignOffError, match="not on this learner's plan"):
        sign_unit(registration=world.registration, unit=elsewhere, user=world.learner, role="learner")
    assert not UnitSignOff.objects.exists()


def test_a_signer_is_not_offered_their_own_role_again(world, completed):
    _sign(world, completed, world.learner, SignatureRole.LEARNER)
    state = signoff_state(world.registration, completed)
    assert roles_user_may_sign(state, world.learner) == {}
    assert roles_user_may_sign(state, world.assessor) == {"assessor": None}


def test_assessor_cannot_sign_off_before_the_learners_identity_is_confirmed(world, completed):
    Registration.objects.filter(pk=world.registration.pk).update(
        id_document_type="", id_checked_by=None, id_checked_on=None
    )
    world.registration.refresh_from_db()
    _sign(world, completed, world.learner, SignatureRole.LEARNER)
    with pytest.raises(SignOffError, match="identity has not been confirmed"):
        _sign(world, completed, world.assessor, SignatureRole.ASSESSOR)
    assert not RegistrationUnit.objects.get(registration=world.registration, unit=completed).locked_at
    offered = roles_user_may_sign(signoff_state(world.registration, completed), world.assessor)
    assert "identity has not been confirmed" in offered[SignatureRole.ASSESSOR]

    Registration.objects.filter(pk=world.registration.pk).update(
        id_document_type="Passport", id_checked_by=world.admin, id_checked_on=dt.date.today()
    )
    _sign(world, completed, world.assessor, SignatureRole.ASSESSOR)
    assert RegistrationUnit.objects.get(registration=world.registration, unit=completed).locked_at


def test_a_sign_off_state_works_out_its_sheets_hash_only_when_asked(world, completed, monkeypatch):
    """A page listing units and who has signed (the learner's home) never hashes a sheet; asking gives the hash of
    the content the state was read with, worked out once."""
    calls = []
    real = selectors.content_hash
    monkeypatch.setattr(selectors, "content_hash", lambda *args: calls.append(args) or real(*args))
    state = signoff_state(world.registration, completed)
    assert state.next_role == SignatureRole.LEARNER and not state.content_changed
    assert calls == []
    assert state.content_hash == real(world.registration, state.status) == state.content_hash
    assert len(calls) == 1
