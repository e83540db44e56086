"""The apprenticeship services: set-up, training plan signatures, employer links, OTJ log, reviews, breaks and a
change of employer. Each refusal stores nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from apprenticeships.models import (
    Apprenticeship,
    EmployerContact,
    OtjEntry,
    ProgressReview,
    Signature,
    SignatureRole,
)
from apprenticeships.services import ApprenticeshipError, LinkRefused, NotAllowed
from apprenticeships.services.links import send_employer_link
from apprenticeships.services.otj_log import OtjRefused, verify_otj_entry
from apprenticeships.services.reviews import record_review
from apprenticeships.services.setup import change_employer, end_break, record_break
from apprenticeships.services.signing import sign_review, sign_training_plan, sign_with_employer_link
from centres.models import Event
from tests.apprenticeships.helpers import details, make_apprenticeship

from .helpers import IP, _otj, _review

pytestmark = pytest.mark.django_db


# --- Set-up and training plan --------------------------------------------------------------------------------


def test_set_up_makes_the_employer_contact_a_plan_and_the_first_review(world, apprenticeship):
    contact = EmployerContact.objects.get()
    assert contact.user.email == "erin@harbour.test" and contact.employer.name == "Harbour Hotels"
    plan = apprenticeship.training_plans.get()
    assert plan.content["standard"] == "ST0072 Customer service practitioner"
    assert len(plan.content_hash) == 64
    assert apprenticeship.reviews.get().due_on == apprenticeship.planned_start + dt.timedelta(weeks=12)
    assert Event.objects.filter(action="apprenticeship.set_up").exists()


def test_only_a_centre_admin_sets_up(world):
    with pytest.raises(NotAllowed):
        from apprenticeships.services.setup import set_up_apprenticeship

        set_up_apprenticeship(actor=world.assessor, registration=world.registration, **details())
    assert not Apprenticeship.objects.exists()


def test_reduction_for_prior_learning_needs_a_reason(world):
    with pytest.raises(ApprenticeshipError, match="reason"):
        make_apprenticeship(world, prior_learning_reduction_hours=Decimal("20"))
    assert not Apprenticeship.objects.exists() and not EmployerContact.objects.exists()


def test_plan_signed_by_learner_provider_and_employer_link_records_who_when_where_and_hash(
    world, apprenticeship, django_capture_on_commit_callbacks
):
    plan = apprenticeship.training_plans.get()
    sign_training_plan(actor=world.learner, plan=plan, role="learner", content_hash=plan.content_hash, ip_address=IP)
    sign_training_plan(actor=world.assessor, plan=plan, role="provider", content_hash=plan.content_hash, ip_address=IP)
    with django_capture_on_commit_callbacks(execute=True):
        _link, token = send_employer_link(actor=world.assessor, training_plan=plan)
    assert token in mail.outbox[-1].body and mail.outbox[-1].to == ["erin@harbour.test"]
    signature = sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address=IP)
    assert signature.role == "employer" and signature.ip_address == IP and signature.content_hash == plan.content_hash
    assert signature.user is None and signature.signed_name == "Erin Employer"
    assert set(plan.signatures.values_list("role", flat=True)) == set(SignatureRole.values)


def test_plan_signed_twice_is_refused(world, apprenticeship):
    plan = apprenticeship.training_plans.get()
    sign_training_plan(actor=world.learner, plan=plan, role="learner", content_hash=plan.content_hash, ip_address=IP)
    with pytest.raises(ApprenticeshipError, match="already signed"):
        sign_training_plan(
            actor=world.learner, plan=plan, role="learner", content_hash=plan.content_hash, ip_address=IP
        )
    assert plan.signatures.count() == 1


def test_another_learner_cannot_sign_as_the_learner(world, apprenticeship):
    plan = apprenticeship.training_plans.get()
    with pytest.raises(NotAllowed):
        sign_training_plan(
            actor=world.other_learner, plan=plan, role="learner", content_hash=plan.content_hash, ip_address=IP
        )


def test_signing_content_other_than_what_was_read_is_refused(world, apprenticeship):
    plan = apprenticeship.training_plans.get()
    with pytest.raises(ApprenticeshipError, match="changed"):
        sign_training_plan(actor=world.learner, plan=plan, role="learner", content_hash="0" * 64, ip_address=IP)
    assert not Signature.objects.exists()


def test_change_of_employer_keeps_history_and_starts_a_new_plan(world, apprenticeship):
    old_plan = apprenticeship.training_plans.get()
    sign_training_plan(
        actor=world.learner, plan=old_plan, role="learner", content_hash=old_plan.content_hash, ip_address=IP
    )
    _otj(world, apprenticeship)
    new_plan = change_employer(
        actor=world.admin,
        apprenticeship=apprenticeship,
        employer_name="Seaside Stores",
        workplace="High Street",
        contact_name="Sam Seaside",
        contact_email="sam@seaside.test",
    )
    old_plan.refresh_from_db()
    assert old_plan.superseded_at is not None and old_plan.signatures.count() == 1
    assert new_plan.employer.name == "Seaside Stores" and not new_plan.signatures.exists()
    assert apprenticeship.otj_entries.count() == 1
    assert Event.objects.filter(action="apprenticeship.employer_changed").exists()
    with pytest.raises(ApprenticeshipError, match="replaced"):
        sign_training_plan(
            actor=world.assessor, plan=old_plan, role="provider", content_hash=old_plan.content_hash, ip_address=IP
        )


# --- Employer links --------------------------------------------------------------------------------------------


def test_employer_link_used_twice_is_refused(world, apprenticeship):
    plan = apprenticeship.training_plans.get()
    _link, token = send_employer_link(actor=world.assessor, training_plan=plan)
    sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address=IP)
    with pytest.raises(LinkRefused, match="already been used. Ask the provider to send you a new link"):
        sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address=IP)
    assert plan.signatures.count() == 1


def test_expired_employer_link_is_refused(world, apprenticeship):
    plan = apprenticeship.training_plans.get()
    link, token = send_employer_link(actor=world.assessor, training_plan=plan)
    link.expires_at = timezone.now() - dt.timedelta(minutes=1)
    link.save()
    with pytest.raises(LinkRefused, match="expired. Ask the provider to send you a new link"):
        sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address=IP)
    assert not plan.signatures.exists()


def test_employer_link_after_the_review_changed_is_refused(world, apprenticeship):
    review = _review(world, apprenticeship)
    _link, token = send_employer_link(actor=world.assessor, review=review)
    record_review(
        actor=world.assessor,
        review=review,
        held_on=review.held_on,
        targets_set="A different target",
        targets_met="",
        english_maths="",
        wellbeing="Settled",
        safeguarding="No concerns",
        employer_comments="",
    )
    with pytest.raises(LinkRefused, match="changed since this link was sent"):
        sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address=IP)
    assert not review.signatures.exists()


def test_unknown_token_is_refused(world, apprenticeship):
    with pytest.raises(LinkRefused, match="not valid"):
        sign_with_employer_link(token="nonsense", signed_name="Erin", confirm=True, ip_address=IP)


# --- Reviews ---------------------------------------------------------------------------------------------------


def test_review_signed_by_all_three_sets_the_next_review_date(world, apprenticeship):
    review = _review(world, apprenticeship)
    assert review.criteria_met == 0 and review.otj_hours == Decimal("0")
    sign_review(actor=world.learner, review=review, role="learner", content_hash=review.content_hash, ip_address=IP)
    sign_review(actor=world.assessor, review=review, role="provider", content_hash=review.content_hash, ip_address=IP)
    _link, token = send_employer_link(actor=world.assessor, review=review)
    sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address=IP)
    review.refresh_from_db()
    assert review.completed_at is not None
    assert review.next_review_on == review.held_on + dt.timedelta(weeks=12)
    assert ProgressReview.objects.filter(apprenticeship=apprenticeship, due_on=review.next_review_on).exists()
    with pytest.raises(ApprenticeshipError, match="can no longer change"):
        record_review(
            actor=world.assessor,
            review=review,
            held_on=review.held_on,
            targets_set="x",
            targets_met="",
            english_maths="",
            wellbeing="x",
            safeguarding="x",
            employer_comments="",
        )


def test_review_signed_twice_is_refused(world, apprenticeship):
    review = _review(world, apprenticeship)
    sign_review(actor=world.learner, review=review, role="learner", content_hash=review.content_hash, ip_address=IP)
    with pytest.raises(ApprenticeshipError, match="already signed"):
        sign_review(actor=world.learner, review=review, role="learner", content_hash=review.content_hash, ip_address=IP)
    assert review.signatures.count() == 1


def test_change_after_signing_voids_signatures(world, apprenticeship):
    review = _review(world, apprenticeship)
    sign_review(actor=world.learner, review=review, role="learner", content_hash=review.content_hash, ip_address=IP)
    record_review(
        actor=world.assessor,
        review=review,
        held_on=review.held_on,
        targets_set="Changed target",
        targets_met="",
        english_maths="",
        wellbeing="Settled",
        safeguarding="No concerns",
        employer_comments="",
    )
    signature = review.signatures.get()
    assert signature.voided_at is not None and not review.signatures.live().exists()
    assert Event.objects.filter(action="apprenticeship.review_changed").exists()


# --- OTJ log ---------------------------------------------------------------------------------------------------


def test_otj_entry_recorded_and_verified_with_audit(world, apprenticeship):
    entry = _otj(world, apprenticeship)
    verify_otj_entry(actor=world.assessor, entry=entry)
    entry.refresh_from_db()
    assert entry.verified_by == world.assessor
    assert Event.objects.filter(action="apprenticeship.otj_verified", object_id=entry.pk).exists()


def test_learner_cannot_verify(world, apprenticeship):
    entry = _otj(world, apprenticeship)
    with pytest.raises(NotAllowed):
        verify_otj_entry(actor=world.learner, entry=entry)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"date": "future"}, "future"),
        ({"date": "before"}, "outside the apprenticeship"),
        ({"hours": Decimal("-1")}, "greater than nought"),
        ({"hours": Decimal("99")}, "more than one entry"),
        ({"activity_type": "english_maths"}, "English and maths"),
        ({"activity_type": "progress_review"}, "Progress reviews"),
        ({"activity_type": "epa"}, "end-point assessment"),
    ],
)
def test_refused_entry_stores_nothing_but_the_refusal(world, apprenticeship, changes, words):
    today = timezone.localdate()
    if changes.get("date") == "future":
        changes["date"] = today + dt.timedelta(days=1)
    elif changes.get("date") == "before":
        changes["date"] = apprenticeship.planned_start - dt.timedelta(days=1)
    with pytest.raises(OtjRefused, match=words):
        _otj(world, apprenticeship, **changes)
    assert not OtjEntry.objects.exists()
    refusal = Event.objects.get(action="apprenticeship.otj_refused")
    assert words in refusal.summary


def test_more_than_24_hours_on_one_day_with_other_entries_is_refused(world, apprenticeship):
    day = timezone.localdate() - dt.timedelta(days=3)
    _otj(world, apprenticeship, date=day, hours=Decimal("12"))
    _otj(world, apprenticeship, date=day, hours=Decimal("10"))
    with pytest.raises(OtjRefused, match="24 hours"):
        _otj(world, apprenticeship, date=day, hours=Decimal("3"))
    assert OtjEntry.objects.count() == 2


def test_entry_inside_a_break_is_refused(world, apprenticeship):
    today = timezone.localdate()
    record_break(
        actor=world.assessor,
        apprenticeship=apprenticeship,
        starts_on=today - dt.timedelta(days=10),
        ends_on=None,
        reason="Illness",
    )
    with pytest.raises(OtjRefused, match="break in learning"):
        _otj(world, apprenticeship, date=today - dt.timedelta(days=2))
    assert not OtjEntry.objects.exists()


def test_criteria_from_another_qualification_are_refused(world, apprenticeship):
    from qualifications.models import AssessmentCriterion

    foreign = AssessmentCriterion.objects.exclude(unit__in=world.registration.units.all()).first()
    with pytest.raises(ApprenticeshipError, match="learner's own units"):
        _otj(world, apprenticeship, criteria=[foreign])
    assert not OtjEntry.objects.exists()


# --- Breaks ----------------------------------------------------------------------------------------------------


def test_ended_break_moves_the_review_due_date_on(world, apprenticeship):
    review = apprenticeship.reviews.get()
    due = review.due_on
    recorded = record_break(
        actor=world.assessor,
        apprenticeship=apprenticeship,
        starts_on=apprenticeship.planned_start + dt.timedelta(days=10),
        ends_on=None,
        reason="Maternity leave",
    )
    end_break(actor=world.assessor, break_in_learning=recorded, ends_on=recorded.starts_on + dt.timedelta(days=27))
    review.refresh_from_db()
    assert review.due_on == due + dt.timedelta(days=28)


def test_overlapping_break_is_refused(world, apprenticeship):
    start = apprenticeship.planned_start + dt.timedelta(days=10)
    record_break(actor=world.assessor, apprenticeship=apprenticeship, starts_on=start, ends_on=None, reason="Illness")
    with pytest.raises(ApprenticeshipError, match="overlaps"):
        record_break(
            actor=world.assessor,
            apprenticeship=apprenticeship,
            starts_on=start + dt.timedelta(days=3),
            ends_on=None,
            reason="Again",
        )


def test_new_employer_contact_is_invited_to_choose_a_password(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_apprenticeship(world)
    invitation = EmployerContact.objects.get().user.invitations.get()
    assert invitation.kind == "employer"
    message = mail.outbox[-1]
    assert message.to == ["erin@harbour.test"] and "employer contact of your apprentices" in message.body


def test_changed_details_keep_the_signed_plan_and_start_a_new_one(world, apprenticeship):
    from apprenticeships.services.setup import DETAIL_FIELDS, change_details

    plan = apprenticeship.training_plans.get()
    sign_training_plan(actor=world.learner, plan=plan, role="learner", content_hash=plan.content_hash, ip_address=IP)
    values = {field: getattr(apprenticeship, field) for field in DETAIL_FIELDS}
    assert change_details(actor=world.admin, apprenticeship=apprenticeship, **values) is None
    new_plan = change_details(
        actor=world.admin, apprenticeship=apprenticeship, **(values | {"planned_otj_hours": Decimal("300")})
    )
    plan.refresh_from_db()
    assert plan.superseded_at is not None and plan.content["planned_otj_hours"] == "280"
    assert plan.signatures.get().content_hash == plan.content_hash
    assert new_plan.content["planned_otj_hours"] == "300" and not new_plan.signatures.exists()
    with pytest.raises(NotAllowed):
        change_details(actor=world.assessor, apprenticeship=apprenticeship, **values)
