"""EQA shares: what the EQA sees (only what was shared, only until the end date), comments, the EQS signature
and the staff records; the centre admin's share pages; the rules of sharing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import EqaLink, Event
from portfolio.models import EqaShare, EqaShareItem
from quality.models import EqaComment
from quality.services.eqa import ShareItemInput, share_with_eqa
from quality.services.errors import NotAllowed, ShareError
from tests.factories import make_user
from tracking.models import Signature, SignatureRole

from .helpers import (
    client_for,
    complete_and_sign,
    expire,
    other_centre_iqa,
    share,
    share_units,
    start_unit,
    status,
    take_sample,
)

# --- The rules of sharing ----------------------------------------------------------------------------------------


def test_share_is_recorded_with_an_event(world):
    shared = share(world, world.registration)
    assert list(shared.items.values_list("registration_id", "unit_id")) == [(world.registration.pk, None)]
    assert Event.objects.filter(action="eqa_share_created", object_id=shared.pk).exists()


def test_only_a_centre_admin_shares(world):
    with pytest.raises(NotAllowed):
        share_with_eqa(
            actor=world.iqa,
            centre=world.centre,
            eqa=world.eqa,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            items=[ShareItemInput(world.registration)],
        )


def test_eqa_must_be_linked_to_the_centre(world):
    stranger = make_user(full_name="Not Linked")
    with pytest.raises(ShareError, match="not an EQA linked"):
        share_with_eqa(
            actor=world.admin,
            centre=world.centre,
            eqa=stranger,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            items=[ShareItemInput(world.registration)],
        )
    EqaLink.objects.filter(user=world.eqa, centre=world.centre).update(is_active=False)
    with pytest.raises(ShareError):
        share(world, world.registration)


def test_only_the_centres_registrations_are_shared(world):
    with pytest.raises(ShareError, match="this centre's learners"):
        share(world, world.other_centre_registration)
    assert not EqaShare.objects.exists()


def test_share_dates_are_checked(world):
    today = timezone.localdate()
    backwards = (today, today - dt.timedelta(days=1))
    already_over = (today - dt.timedelta(days=9), today - dt.timedelta(days=2))
    for starts, ends in (backwards, already_over):
        with pytest.raises(ShareError):
            share_with_eqa(
                actor=world.admin,
                centre=world.centre,
                eqa=world.eqa,
                starts_on=starts,
                ends_on=ends,
                items=[ShareItemInput(world.registration)],
            )


# --- What the EQA sees ----------------------------------------------------------------------------------------------


def test_eqa_home_lists_exactly_what_was_shared(world, unit1):
    share(world, world.registration)
    page = client_for(world.eqa).get(reverse("quality:eqa-home")).content.decode()
    assert world.learner.full_name in page
    assert world.other_learner.full_name not in page
    assert status(world.assessor, reverse("quality:eqa-home")) == 403
    assert status(None, reverse("quality:eqa-home")) == 302


def test_eqa_registration_page_scope_and_expiry(world):
    shared = share(world, world.registration)
    url = reverse("quality:eqa-registration", args=[world.registration.pk])
    assert status(world.eqa, url) == 200
    assert status(world.eqa, reverse("quality:eqa-registration", args=[world.other_registration.pk])) == 404
    assert status(world.assessor, url) == 404
    assert status(world.admin, url) == 404
    assert status(None, url) == 302
    other_eqa = make_user(full_name="Other EQA")
    EqaLink.objects.create(user=other_eqa, centre=world.centre)
    assert status(other_eqa, url) == 404
    # The last day still counts; the day after it does not.
    EqaShare.objects.filter(pk=shared.pk).update(ends_on=timezone.localdate())
    assert status(world.eqa, url) == 200
    expire(shared)
    assert status(world.eqa, url) == 404
    assert world.learner.full_name not in client_for(world.eqa).get(reverse("quality:eqa-home")).content.decode()


def test_revoked_share_is_gone_at_once(world):
    shared = share(world, world.registration)
    assert status(world.admin, reverse("quality:share-revoke", args=[shared.pk]), "post") == 302
    assert status(world.eqa, reverse("quality:eqa-registration", args=[world.registration.pk])) == 404
    assert Event.objects.filter(action="eqa_share_revoked").exists()


def test_unit_share_shows_only_that_unit(world, unit1, unit2):
    share_units(world, world.registration, [unit1])
    page = client_for(world.eqa).get(reverse("quality:eqa-registration", args=[world.registration.pk])).content.decode()
    assert unit1.reference in page and unit2.reference not in page
    assert status(world.eqa, reverse("tracking:sheet", args=[world.registration.pk, unit1.pk])) == 200
    assert status(world.eqa, reverse("tracking:sheet", args=[world.registration.pk, unit2.pk])) == 404
    sign_url = reverse("quality:eqa-sign", args=[world.registration.pk, unit2.pk])
    assert status(world.eqa, sign_url, "post") == 404


def test_eqa_comments_reach_the_centre(world):
    shared = share(world, world.registration)
    url = reverse("quality:eqa-comment", args=[world.registration.pk])
    assert status(world.eqa, url, "post", {"text": "Please add the witness's job title to evidence 3."}) == 302
    comment = EqaComment.objects.get()
    assert comment.share == shared and comment.eqa == world.eqa
    assert Event.objects.filter(action="eqa_comment", registration_id=world.registration.pk).exists()
    page = client_for(world.admin).get(reverse("quality:share-detail", args=[shared.pk])).content.decode()
    assert "witness&#x27;s job title" in page
    other = reverse("quality:eqa-comment", args=[world.other_registration.pk])
    assert status(world.eqa, other, "post", {"text": "x"}) == 404


def test_eqa_signs_the_eqs_line_of_a_signed_off_unit(world, plan, unit1, unit2):
    complete_and_sign(world.registration, unit1)
    take_sample(plan, world.registration, unit1, kind="summative")
    share(world, world.registration)
    client = client_for(world.eqa)
    page = client.get(reverse("quality:eqa-registration", args=[world.registration.pk])).content.decode()
    assert "Sign EQS" in page
    client.post(reverse("quality:eqa-sign", args=[world.registration.pk, unit1.pk]))
    signature = Signature.objects.live().get(sign_off__unit=unit1, role=SignatureRole.EQA)
    assert signature.user == world.eqa
    response = client.post(reverse("quality:eqa-sign", args=[world.registration.pk, unit2.pk]), follow=True)
    assert "not signed off" in response.content.decode()
    assert not Signature.objects.filter(sign_off__unit=unit2, role=SignatureRole.EQA).exists()


def test_eqa_sees_the_samples_of_shared_learners_only(world, plan, unit1):
    start_unit(world.registration, unit1)
    start_unit(world.other_registration, unit1)
    mine = take_sample(plan, world.registration, unit1)
    other = take_sample(plan, world.other_registration, unit1)
    share(world, world.registration)
    assert status(world.eqa, reverse("quality:sample-detail", args=[mine.pk])) == 200
    assert status(world.eqa, reverse("quality:sample-detail", args=[other.pk])) == 404


def test_eqa_reads_staff_qualification_and_countersigning_records(world):
    share(world, world.trainee_registration)
    url = reverse("quality:eqa-staff", args=[world.centre.pk])
    page = client_for(world.eqa).get(url).content.decode()
    assert world.trainee.full_name in page and "Working towards" in page
    assert world.assessor.full_name in page  # the trainee's countersignatory
    assert world.other_assessor.full_name not in page
    assert status(world.eqa, reverse("quality:eqa-staff", args=[world.other_centre.pk])) == 404
    assert status(world.admin, url) == 403
    assert status(None, url) == 302


# --- The centre admin's share pages ----------------------------------------------------------------------------------


def test_share_pages_access(world):
    shared = share(world, world.registration)
    for url in (
        reverse("quality:share-list", args=[world.centre.pk]),
        reverse("quality:share-create", args=[world.centre.pk]),
    ):
        assert status(world.admin, url) == 200
        assert status(world.iqa, url) == 403
        assert status(world.assessor, url) == 403
        assert status(world.other_admin, url) == 404
        assert status(world.eqa, url) == 404
        assert status(None, url) == 302
    detail = reverse("quality:share-detail", args=[shared.pk])
    assert status(world.admin, detail) == 200
    assert status(world.other_admin, detail) == 404
    assert status(world.iqa, detail) == 404
    assert status(world.eqa, detail) == 404
    revoke = reverse("quality:share-revoke", args=[shared.pk])
    assert status(world.other_admin, revoke, "post") == 404
    assert status(world.eqa, revoke, "post") == 404
    shared.refresh_from_db()
    assert shared.revoked_at is None


def test_admin_shares_a_whole_registration_and_a_unit_through_the_page(world, unit1):
    today = timezone.localdate()
    response = client_for(world.admin).post(
        reverse("quality:share-create", args=[world.centre.pk]),
        {
            "eqa": world.eqa.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=30)).isoformat(),
            "items": [str(world.registration.pk), f"{world.other_registration.pk}:{unit1.pk}"],
        },
    )
    shared = EqaShare.objects.get()
    assert response.status_code == 302
    assert set(EqaShareItem.objects.values_list("registration_id", "unit_id")) == {
        (world.registration.pk, None),
        (world.other_registration.pk, unit1.pk),
    }
    assert shared.created_by == world.admin


def test_share_page_refuses_another_centres_learner(world):
    today = timezone.localdate()
    response = client_for(world.admin).post(
        reverse("quality:share-create", args=[world.centre.pk]),
        {
            "eqa": world.eqa.pk,
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "items": [str(world.other_centre_registration.pk)],
        },
    )
    assert response.status_code == 200  # not one of the choices: a form error
    assert not EqaShare.objects.exists()


def test_other_centre_iqa_cannot_see_shares(world):
    shared = share(world, world.registration)
    assert status(other_centre_iqa(world), reverse("quality:share-detail", args=[shared.pk])) == 404


def test_unit_share_hides_samples_of_units_not_shared(world, plan, unit1, unit2):
    start_unit(world.registration, unit1)
    start_unit(world.registration, unit2)
    hidden = take_sample(plan, world.registration, unit1, feedback="About unit one only.")
    shown = take_sample(plan, world.registration, unit2, feedback="About unit two.")
    share_units(world, world.registration, [unit2])
    assert status(world.eqa, reverse("quality:sample-detail", args=[hidden.pk])) == 404
    assert status(world.eqa, reverse("quality:sample-detail", args=[shown.pk])) == 200
    page = client_for(world.eqa).get(reverse("quality:eqa-registration", args=[world.registration.pk])).content.decode()
    assert reverse("quality:sample-detail", args=[shown.pk]) in page
    assert reverse("quality:sample-detail", args=[hidden.pk]) not in page
    plan_page = client_for(world.eqa).get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()
    assert reverse("quality:sample-detail", args=[hidden.pk]) not in plan_page
    assert reverse("quality:sample-detail", args=[shown.pk]) in plan_page


def test_every_eqa_page_closes_the_day_after_the_share_ends(world, plan, unit1):
    complete_and_sign(world.registration, unit1)
    sample = take_sample(plan, world.registration, unit1, kind="summative")
    shared = share(world, world.registration)
    pages = [
        ("get", reverse("quality:eqa-registration", args=[world.registration.pk]), 200),
        ("get", reverse("quality:eqa-staff", args=[world.centre.pk]), 200),
        ("get", reverse("quality:sample-detail", args=[sample.pk]), 200),
        ("get", reverse("quality:plan-detail", args=[plan.pk]), 200),
        ("get", reverse("tracking:sheet", args=[world.registration.pk, unit1.pk]), 200),
    ]
    for method, url, expected in pages:
        assert status(world.eqa, url, method) == expected, url
    expire(shared)
    posts = [
        reverse("quality:eqa-comment", args=[world.registration.pk]),
        reverse("quality:eqa-sign", args=[world.registration.pk, unit1.pk]),
        reverse("quality:pack-request", args=[shared.pk]),
    ]
    for method, url, _ in pages:
        assert status(world.eqa, url, method) == 404, url
    for url in posts:
        assert status(world.eqa, url, "post", {"text": "late"}) == 404, url
    assert not EqaComment.objects.exists()
    assert not Signature.objects.filter(role=SignatureRole.EQA).exists()
