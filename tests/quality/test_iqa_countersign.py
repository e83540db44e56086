"""An IQA working towards their IQA award: their samples are recorded at once but are not final until their
countersignatory confirms them (signing the IQA line, reopening a unit, raising actions, the assessor's risk);
who may countersign; returning a sample with a note; the countersigning page and panel; certification."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import CompetenceStatus, Event, Membership, Role
from portfolio.models import CountersignStatus, RegistrationUnit
from quality.models import Action, Outcome, SampleKind, SampleRecord, SampleUnit
from quality.services.certification import certification_status
from quality.services.countersign import countersign_sample
from quality.services.coverage import coverage, eligible_for
from quality.services.errors import ConflictOfInterest, CountersignError, NotAllowed, SampleError
from quality.services.risk import compute_rates
from quality.services.samples import review_units
from tests.factories import make_registration, make_staff
from tracking.models import Signature, SignatureRole
from tracking.services.signoff import SignOffError, reopen_unit, sign_unit

from .helpers import (
    client_for,
    complete_and_sign,
    fake_signed_units,
    make_plan,
    other_centre_iqa,
    share,
    start_unit,
    take_sample,
    units_of,
)


@pytest.fixture
def t(world):
    """A trainee IQA countersigned by the world's (qualified) IQA, with a learner and a plan of their own."""
    trainee = make_staff(world.centre, Role.IQA, status=CompetenceStatus.WORKING_TOWARDS, countersignatory=world.iqa)
    registration = make_registration(world.centre, assessor=world.assessor, iqa=trainee)
    unit1, unit2 = units_of(registration)[:2]
    return SimpleNamespace(
        trainee=trainee,
        registration=registration,
        plan=make_plan(world, iqa=trainee),
        unit1=unit1,
        unit2=unit2,
    )


def _summative(t, outcome=Outcome.AGREE, unit=None):
    unit = unit or t.unit1
    complete_and_sign(t.registration, unit)
    return take_sample(t.plan, t.registration, unit, kind=SampleKind.SUMMATIVE, outcome=outcome, iqa=t.trainee)


def _iqa_signature(registration, unit):
    return Signature.objects.live().filter(
        sign_off__registration=registration, sign_off__unit=unit, role=SignatureRole.IQA
    )


def _countersign_url(sample):
    return reverse("quality:sample-countersign", args=[sample.pk])


def _post(user, sample, outcome="confirm", note=""):
    return client_for(user).post(_countersign_url(sample), {"outcome": outcome, "note": note}, follow=True)


def _reload(sample):
    return SampleRecord.objects.get(pk=sample.pk)


# --- What waits for the countersignatory ---------------------------------------------------------------------


def test_trainee_summative_agree_signs_the_iqa_line_only_when_countersigned(world, t):
    sample = _summative(t)
    assert sample.countersign_status == CountersignStatus.AWAITING
    assert not _iqa_signature(t.registration, t.unit1).exists()
    assert SampleUnit.objects.get(sample=sample).result == SampleUnit.Result.NONE
    recorded = Event.objects.get(action="iqa_sample_recorded", object_id=sample.pk)
    assert recorded.actor == t.trainee and recorded.data["countersign_status"] == CountersignStatus.AWAITING
    assert "awaiting countersignature" in recorded.summary

    response = _post(world.iqa, sample)
    assert response.status_code == 200
    sample = _reload(sample)
    assert sample.countersign_status == CountersignStatus.CONFIRMED
    assert sample.countersigned_by == world.iqa and sample.countersigned_at is not None
    [signature] = _iqa_signature(t.registration, t.unit1)
    assert signature.user == t.trainee  # the IQA line carries the sampling IQA's name
    assert SampleUnit.objects.get(sample=sample).result == SampleUnit.Result.IQA_SIGNED
    confirmed = Event.objects.get(action="iqa_sample_countersigned", object_id=sample.pk)
    assert confirmed.actor == world.iqa and confirmed.at >= recorded.at
    signed = Event.objects.get(action="unit_signed", object_id=signature.pk)
    assert signed.data["countersigned_by"] == world.iqa.pk and world.iqa.full_name in signed.summary


def test_trainee_disagree_reopens_the_unit_only_when_countersigned(world, t):
    sample = _summative(t, outcome=Outcome.DISAGREE)
    entry = RegistrationUnit.objects.get(registration=t.registration, unit=t.unit1)
    assert entry.locked_at is not None
    assert Signature.objects.live().filter(sign_off__registration=t.registration, sign_off__unit=t.unit1).count() == 2

    countersign_sample(actor=world.iqa, sample=sample, confirm=True)
    entry.refresh_from_db()
    assert entry.locked_at is None
    assert not Signature.objects.live().filter(sign_off__registration=t.registration, sign_off__unit=t.unit1).exists()
    assert SampleUnit.objects.get(sample=sample).result == SampleUnit.Result.REOPENED
    reopened = Event.objects.get(action="unit_reopened", registration_id=t.registration.pk)
    assert reopened.actor == t.trainee and reopened.data["countersigned_by"] == world.iqa.pk


def test_trainee_actions_are_raised_for_the_assessor_only_when_countersigned(world, t):
    start_unit(t.registration, t.unit1)
    sample = take_sample(t.plan, t.registration, t.unit1, outcome=Outcome.AGREE_WITH_ACTIONS, iqa=t.trainee)
    assert not Action.objects.exists()
    assert [action["text"] for action in sample.proposed_actions] == ["Add detail to the feedback."]
    assessor_page = client_for(world.assessor).get(reverse("quality:action-list")).content.decode()
    assert "Add detail to the feedback." not in assessor_page
    page = client_for(t.trainee).get(reverse("quality:sample-detail", args=[sample.pk])).content.decode()
    assert "raised for the assessor when the sample is countersigned" in page

    countersign_sample(actor=world.iqa, sample=sample, confirm=True)
    [action] = Action.objects.all()
    assert action.assessor == world.assessor and action.sample_id == sample.pk
    assert _reload(sample).status == SampleRecord.Status.ACTIONS_OPEN
    assert Event.objects.get(action="iqa_action_set").data["countersigned_by"] == world.iqa.pk


def test_trainee_iqa_cannot_sign_the_iqa_line_straight_from_the_sheet(world, t):
    complete_and_sign(t.registration, t.unit1)
    with pytest.raises(SignOffError, match="working towards your IQA award"):
        sign_unit(registration=t.registration, unit=t.unit1, user=t.trainee, role=SignatureRole.IQA)


def test_trainee_with_no_countersignatory_cannot_record_a_sample(world, t):
    Membership.objects.filter(user=t.trainee, role=Role.IQA).update(countersignatory=None)
    start_unit(t.registration, t.unit1)
    with pytest.raises(SampleError, match="no countersignatory"):
        take_sample(t.plan, t.registration, t.unit1, iqa=t.trainee)
    assert not SampleRecord.objects.exists()


def test_qualified_iqa_samples_take_effect_at_once(world, plan, unit1):
    complete_and_sign(world.registration, unit1)
    sample = take_sample(plan, world.registration, unit1, kind=SampleKind.SUMMATIVE)
    assert sample.countersign_status == CountersignStatus.NOT_REQUIRED and sample.is_final
    assert _iqa_signature(world.registration, unit1).get().user == world.iqa
    assert not client_for(world.iqa).get(reverse("quality:countersign-queue")).context["samples"]


# --- Who may countersign -------------------------------------------------------------------------------------


def test_another_iqa_of_the_centre_cannot_confirm(world, t):
    sample = _summative(t)
    colleague = make_staff(world.centre, Role.IQA)
    assert client_for(colleague).post(_countersign_url(sample), {"outcome": "confirm"}).status_code == 403
    with pytest.raises(NotAllowed):
        countersign_sample(actor=colleague, sample=sample, confirm=True)
    assert _reload(sample).awaiting_countersignature
    assert not _iqa_signature(t.registration, t.unit1).exists()


def test_iqa_of_another_centre_gets_404(world, t):
    sample = _summative(t)
    stranger = other_centre_iqa(world)
    assert client_for(stranger).post(_countersign_url(sample), {"outcome": "confirm"}).status_code == 404
    assert _reload(sample).awaiting_countersignature


def test_trainee_cannot_countersign_their_own_sample(world, t):
    sample = _summative(t)
    assert client_for(t.trainee).post(_countersign_url(sample), {"outcome": "confirm"}).status_code == 403
    with pytest.raises(NotAllowed, match="your own sample"):
        countersign_sample(actor=t.trainee, sample=sample, confirm=True)
    page = client_for(t.trainee).get(reverse("quality:sample-detail", args=[sample.pk])).content.decode()
    assert "Awaiting countersignature by" in page and "Confirm the sample" not in page


def test_assessor_and_eqa_who_can_read_the_sample_cannot_countersign(world, t):
    sample = _summative(t)
    share(world, t.registration)
    for user in (world.assessor, world.eqa):
        assert client_for(user).post(_countersign_url(sample), {"outcome": "confirm"}).status_code == 403
    assert client_for(world.admin).post(_countersign_url(sample), {"outcome": "confirm"}).status_code == 404


def test_countersignatory_no_longer_qualified_is_refused_with_a_message(world, t):
    sample = _summative(t)
    Membership.objects.filter(user=world.iqa, centre=world.centre, role=Role.IQA).update(
        status=CompetenceStatus.WORKING_TOWARDS
    )
    response = _post(world.iqa, sample)
    assert response.status_code == 200
    assert "do not hold an active, qualified IQA role" in response.content.decode()
    assert _reload(sample).awaiting_countersignature
    assert not _iqa_signature(t.registration, t.unit1).exists()


def test_countersignatory_whose_iqa_role_ended_is_refused(world, t):
    sample = _summative(t)
    Membership.objects.filter(user=world.iqa, centre=world.centre, role=Role.IQA).update(is_active=False)
    with pytest.raises(CountersignError, match="active, qualified IQA role"):
        countersign_sample(actor=world.iqa, sample=sample, confirm=True)
    assert _reload(sample).awaiting_countersignature


def test_countersignatory_who_assesses_the_learner_cannot_countersign(world, t):
    make_staff(world.centre, Role.ASSESSOR, user=world.iqa)
    registration = make_registration(world.centre, assessor=world.iqa, iqa=t.trainee)
    unit = units_of(registration)[0]
    start_unit(registration, unit)
    sample = take_sample(t.plan, registration, unit, iqa=t.trainee)
    with pytest.raises(ConflictOfInterest, match="learner's assessor"):
        countersign_sample(actor=world.iqa, sample=sample, confirm=True)


def test_a_sample_is_countersigned_once(world, t):
    sample = _summative(t)
    countersign_sample(actor=world.iqa, sample=sample, confirm=True)
    with pytest.raises(CountersignError, match="not awaiting countersignature"):
        countersign_sample(actor=world.iqa, sample=sample, confirm=False, note="Too late.")
    assert _iqa_signature(t.registration, t.unit1).count() == 1


def test_confirming_is_refused_when_the_unit_was_reopened_since_the_sample(world, t):
    sample = _summative(t)
    reopen_unit(registration=t.registration, unit=t.unit1, user=world.assessor, reason="Learner added evidence.")
    with pytest.raises(CountersignError, match="reopened since"):
        countersign_sample(actor=world.iqa, sample=sample, confirm=True)
    countersign_sample(actor=world.iqa, sample=sample, confirm=False, note="The unit changed: sample it again.")
    assert _reload(sample).returned


# --- Returning a sample --------------------------------------------------------------------------------------


def test_returning_needs_a_note_and_the_trainee_sees_it(world, t):
    sample = _summative(t)
    response = _post(world.iqa, sample, outcome="return")
    assert "Say why you return the sample" in response.content.decode()
    assert _reload(sample).awaiting_countersignature

    _post(world.iqa, sample, outcome="return", note="Check the witness testimony against 2.3 first.")
    sample = _reload(sample)
    assert sample.returned and sample.countersigned_by == world.iqa
    assert not _iqa_signature(t.registration, t.unit1).exists()
    returned = Event.objects.get(action="iqa_sample_returned", object_id=sample.pk)
    assert returned.actor == world.iqa and returned.data["note"] == "Check the witness testimony against 2.3 first."
    page = client_for(t.trainee).get(reverse("quality:sample-detail", args=[sample.pk])).content.decode()
    assert "Returned by" in page and "Check the witness testimony against 2.3 first." in page
    home = client_for(t.trainee).get(reverse("home")).content.decode()
    assert "Returned to you" in home and "Check the witness testimony" in home


def test_a_returned_sample_stays_on_record_and_the_unit_can_be_sampled_again(world, t):
    sample = _summative(t)
    countersign_sample(actor=world.iqa, sample=sample, confirm=False, note="Not enough decisions reviewed.")
    [review] = review_units(registration=t.registration, kind=SampleKind.SUMMATIVE, iqa=t.trainee, units=[t.unit1])
    assert review.eligible
    cover = coverage(t.plan)
    assert cover.data.samples == [sample]  # still listed on the plan
    assert eligible_for(cover.data.work[(t.registration.pk, t.unit1.pk)], SampleKind.SUMMATIVE)
    assert cover.progress_by_assessor[world.assessor.pk].done_summative == 0
    again = take_sample(t.plan, t.registration, t.unit1, kind=SampleKind.SUMMATIVE, iqa=t.trainee)
    assert again.awaiting_countersignature


# --- Pages -----------------------------------------------------------------------------------------------------


def test_pages_show_the_sample_awaiting_countersignature(world, t):
    sample = _summative(t)
    share(world, t.registration)
    plan_page = client_for(t.trainee).get(reverse("quality:plan-detail", args=[t.plan.pk])).content.decode()
    assert "Awaiting countersignature" in plan_page
    eqa_page = client_for(world.eqa).get(reverse("quality:eqa-registration", args=[t.registration.pk]))
    assert "awaiting countersignature" in eqa_page.content.decode()
    sheet = client_for(world.assessor).get(reverse("tracking:sheet", args=[t.registration.pk, t.unit1.pk]))
    assert "IQA sample awaiting countersignature" in sheet.content.decode()
    sheets = client_for(world.assessor).get(reverse("tracking:registration", args=[t.registration.pk]))
    assert sheets.content.decode().count("IQA sample awaiting countersignature") == 1
    detail = client_for(world.iqa).get(reverse("quality:sample-detail", args=[sample.pk])).content.decode()
    assert "Confirm the sample" in detail and "Return it with the note" in detail

    countersign_sample(actor=world.iqa, sample=sample, confirm=True)
    sheet = client_for(world.assessor).get(reverse("tracking:sheet", args=[t.registration.pk, t.unit1.pk]))
    assert "IQA sample awaiting countersignature" not in sheet.content.decode()


def test_countersign_page_lists_only_samples_awaiting_this_persons_countersignature(world, t, plan):
    mine = _summative(t)
    confirmed = _summative(t, unit=t.unit2)
    countersign_sample(actor=world.iqa, sample=confirmed, confirm=True)
    # Another trainee IQA, countersigned by someone else, and a qualified IQA's own sample.
    supervisor = make_staff(world.centre, Role.IQA)
    other_trainee = make_staff(
        world.centre, Role.IQA, status=CompetenceStatus.WORKING_TOWARDS, countersignatory=supervisor
    )
    other_unit = units_of(world.other_registration)[0]
    start_unit(world.other_registration, other_unit)
    theirs = take_sample(plan, world.other_registration, other_unit, iqa=other_trainee)
    unit = units_of(world.registration)[0]
    start_unit(world.registration, unit)
    qualified = take_sample(plan, world.registration, unit, iqa=supervisor)

    listed = client_for(world.iqa).get(reverse("quality:countersign-queue")).context["samples"]
    assert listed == [mine]
    assert client_for(supervisor).get(reverse("quality:countersign-queue")).context["samples"] == [theirs]
    assert qualified.is_final
    assert client_for(t.trainee).get(reverse("quality:countersign-queue")).context["samples"] == []
    home = client_for(world.iqa).get(reverse("home")).content.decode()
    assert "IQA samples to countersign" in home and reverse("quality:sample-detail", args=[mine.pk]) in home


def test_countersign_page_is_for_iqas(world, t):
    assert client_for(world.assessor).get(reverse("quality:countersign-queue")).status_code == 403
    assert client_for(world.learner).get(reverse("quality:countersign-queue")).status_code == 403
    # The navigation links it for every IQA.
    assert reverse("quality:countersign-queue") in client_for(world.iqa).get(reverse("home")).content.decode()


def test_countersign_page_costs_the_same_queries_at_two_sizes(world, t):
    client = client_for(world.iqa)
    url = reverse("quality:countersign-queue")

    def grow(size):
        for _ in range(size):
            registration = make_registration(world.centre, assessor=world.other_assessor, iqa=t.trainee)
            unit = units_of(registration)[0]
            start_unit(registration, unit)
            take_sample(t.plan, registration, unit, iqa=t.trainee)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.context["samples"])

    grow(1)
    small, listed = count()
    assert listed == 1
    grow(4)
    large, listed = count()
    assert listed == 5 and large == small


# --- What counts as final --------------------------------------------------------------------------------------


def test_certification_does_not_rely_on_a_sample_awaiting_countersignature(world, t):
    fake_signed_units(world.assessor, world.centre, t.plan.qualification, 10)  # sampled at 10%: one summative
    complete_and_sign(t.registration, t.unit2)
    sample = _summative(t)
    reasons = certification_status([t.registration])[t.registration.pk].reasons
    assert any("0 of 1" in reason and "1 more awaiting countersignature" in reason for reason in reasons)
    assert any("awaiting countersignature: not final yet" in reason for reason in reasons)
    # The plan's coverage counts the work as done (it happened); only the certification check waits.
    assert coverage(t.plan).progress_by_assessor[world.assessor.pk].done_summative == 1

    countersign_sample(actor=world.iqa, sample=sample, confirm=True)
    status = certification_status([t.registration])[t.registration.pk]
    assert not any("countersignature" in reason or "summative sampling" in reason for reason in status.reasons)
    assert status.ready


def test_a_pending_disagreement_does_not_raise_the_assessors_risk_until_confirmed(world, t):
    fake_signed_units(world.assessor, world.centre, t.plan.qualification, 10)

    def rate():
        return compute_rates(
            centre_id=world.centre.pk, qualification_id=t.plan.qualification_id, assessor_ids=[world.assessor.pk]
        )[world.assessor.pk].rate_percent

    sample = _summative(t, outcome=Outcome.DISAGREE)
    assert rate() == 10
    countersign_sample(actor=world.iqa, sample=sample, confirm=True)
    assert rate() == 50


def test_nobody_else_samples_a_unit_whose_summative_sample_awaits_countersignature(world, t):
    _summative(t)
    [review] = review_units(registration=t.registration, kind=SampleKind.SUMMATIVE, iqa=world.iqa, units=[t.unit1])
    assert "awaiting countersignature" in review.why_not
    work = coverage(t.plan).data.work[(t.registration.pk, t.unit1.pk)]
    assert not eligible_for(work, SampleKind.SUMMATIVE)


def test_a_trainee_iqa_with_a_sample_awaiting_countersignature_is_not_recorded_qualified(world, t):
    from centres.services import StaffError, update_staff_credential
    from tests.factories import held_award

    sample = _summative(t)
    membership = Membership.objects.get(user=t.trainee, role=Role.IQA)
    with pytest.raises(StaffError, match="1 IQA sample awaiting countersignature"):
        update_staff_credential(actor=world.admin, membership=membership, credential=held_award(Role.IQA))
    countersign_sample(actor=world.iqa, sample=sample, confirm=True)
    membership = update_staff_credential(actor=world.admin, membership=membership, credential=held_award(Role.IQA))
    assert membership.status == CompetenceStatus.QUALIFIED


def test_the_countersignatorys_home_lists_a_trainees_sample_and_builds_no_sql_on_a_second_visit(world, t, settings):
    from tests.sql_building import compiled_selects

    settings.COMPILED_READS_VERIFY = False  # the check compiles each read afresh, by design
    _summative(t)
    client = client_for(world.iqa)
    page = client.get(reverse("home")).content.decode()
    assert f"Countersign {t.trainee.full_name}&#x27;s sample" in page
    with compiled_selects() as compiled:
        assert client.get(reverse("home")).status_code == 200
    assert compiled == []
