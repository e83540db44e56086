"""The issue's bad input, tried as a person would on the pages (and, where the page cannot send it, the service):
each is refused with a clear message and nothing is stored. OTJ entries in the future, outside the apprenticeship's
dates, inside a break, past 24 hours in a day, with negative, no or absurd hours; a review signed twice; an employer
link used after it expired, after it was used, or after the content changed (the employer is told to ask for a new
link); an employer contact asking for another employer's apprentice (404)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import GatewayChecklist, OtjEntry, Signature
from apprenticeships.services import ApprenticeshipError, LinkRefused
from apprenticeships.services.links import send_employer_link
from apprenticeships.services.otj_log import OtjRefused
from apprenticeships.services.reviews import record_review
from apprenticeships.services.setup import record_break
from apprenticeships.services.signing import sign_review, sign_with_employer_link
from tests.apprenticeships.helpers import IP, _otj, _review, make_apprentice_registration, make_apprenticeship

from .helpers import signed_in

pytestmark = pytest.mark.django_db

ASK_AGAIN = "Ask the provider to send you a new link."


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def otj_post(**changes) -> dict:
    return {
        "date": days_ago(1).isoformat(),
        "hours": "2.5",
        "activity_type": "theory",
        "description": "Role play: difficult customers",
        "new_learning": "on",
        "relevant_to_standard": "on",
        "within_paid_hours": "on",
    } | changes


# --- OTJ entries -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "tomorrow"}, "The date is in the future: record training once it has happened."),
        ({"date": "before the start"}, "The date is outside the apprenticeship"),
        ({"hours": "-2"}, "Give the hours as a number greater than nought."),
        ({"hours": "0"}, "Give the hours as a number greater than nought."),
        ({"hours": "13"}, "hours is more than one entry can hold (at most 12): check the hours."),
        ({"hours": "100000"}, "Ensure that there are no more than 4 digits in total."),
        ({"hours": "lots"}, "Enter a number."),
    ],
)
def test_a_bad_otj_entry_on_the_page_is_refused_with_its_reason_and_nothing_stored(
    world, apprenticeship, changes, message
):
    if changes.get("date") == "tomorrow":
        changes["date"] = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    elif changes.get("date") == "before the start":
        changes["date"] = (apprenticeship.planned_start - dt.timedelta(days=1)).isoformat()
    response = signed_in(world.learner).post(
        reverse("apprenticeships:otj", args=[world.registration.pk]), otj_post(**changes)
    )
    assert response.status_code == 200
    assert message in response.text
    assert not OtjEntry.objects.exists()


def test_an_otj_entry_after_the_planned_end_is_refused(world):
    """An apprenticeship that ended 100 days ago: training since then is outside it."""
    ended = make_apprenticeship(
        world,
        planned_start=days_ago(500),
        planned_end=days_ago(100),
        practical_period_end=days_ago(130),
    )
    response = signed_in(world.assessor).post(
        reverse("apprenticeships:otj", args=[world.registration.pk]), otj_post(date=days_ago(50).isoformat())
    )
    start, end = ended.planned_start.strftime("%d/%m/%Y"), ended.planned_end.strftime("%d/%m/%Y")
    assert f"The date is outside the apprenticeship ({start} to {end})." in response.text
    assert not OtjEntry.objects.exists()


def test_an_otj_entry_inside_a_break_is_refused_on_the_page(world, apprenticeship):
    record_break(
        actor=world.assessor, apprenticeship=apprenticeship, starts_on=days_ago(10), ends_on=None, reason="Illness"
    )
    response = signed_in(world.learner).post(
        reverse("apprenticeships:otj", args=[world.registration.pk]), otj_post(date=days_ago(3).isoformat())
    )
    started = days_ago(10).strftime("%d/%m/%Y")
    assert f"The date is inside a break in learning (from {started}): no training is recorded then." in response.text
    assert not OtjEntry.objects.exists()


def test_more_than_24_hours_in_a_day_is_refused_on_the_page(world, apprenticeship):
    day = days_ago(3)
    _otj(world, apprenticeship, date=day, hours=Decimal("12"))
    _otj(world, apprenticeship, date=day, hours=Decimal("11"))
    response = signed_in(world.learner).post(
        reverse("apprenticeships:otj", args=[world.registration.pk]), otj_post(date=day.isoformat(), hours="1.5")
    )
    assert f"That makes 24.5 hours on {day:%d/%m/%Y} with the entries already recorded: a day has 24 hours." in (
        response.text
    )
    assert OtjEntry.objects.count() == 2


def test_zero_hours_through_the_service_is_refused_and_stores_nothing(world, apprenticeship):
    with pytest.raises(OtjRefused, match="greater than nought"):
        _otj(world, apprenticeship, hours=Decimal("0"))
    assert not OtjEntry.objects.exists()


# --- A review signed twice -------------------------------------------------------------------------------------


def test_a_review_signed_twice_on_the_page_keeps_one_signature_and_says_why(world, apprenticeship):
    review = _review(world, apprenticeship)
    url = reverse("apprenticeships:review-sign", args=[review.pk])
    data = {"role": "learner", "content_hash": review.content_hash}
    client = signed_in(world.learner)
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert "The learner has already signed this." in again.text
    assert review.signatures.count() == 1


def test_the_provider_signing_twice_is_refused(world, apprenticeship):
    review = _review(world, apprenticeship)
    sign_review(actor=world.assessor, review=review, role="provider", content_hash=review.content_hash, ip_address=IP)
    with pytest.raises(ApprenticeshipError, match="The provider has already signed this."):
        sign_review(actor=world.admin, review=review, role="provider", content_hash=review.content_hash, ip_address=IP)
    assert review.signatures.count() == 1


def test_no_second_employer_link_once_the_employer_has_signed(world, apprenticeship, mailoutbox):
    review = _review(world, apprenticeship)
    _link, token = send_employer_link(actor=world.assessor, review=review)
    sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address=IP)
    with pytest.raises(ApprenticeshipError, match="The employer has already signed."):
        send_employer_link(actor=world.assessor, review=review)
    assert review.employer_links.count() == 1 and review.signatures.count() == 1


# --- Employer links --------------------------------------------------------------------------------------------


def _sign_page(token: str) -> str:
    return reverse("apprenticeships:employer-sign", args=[token])


def test_an_expired_link_tells_the_employer_to_ask_for_a_new_one_and_signs_nothing(world, apprenticeship):
    review = _review(world, apprenticeship)
    link, token = send_employer_link(actor=world.assessor, review=review)
    link.expires_at = timezone.now() - dt.timedelta(minutes=1)
    link.save(update_fields=["expires_at"])
    client = Client()
    page = client.get(_sign_page(token))
    assert page.status_code == 410 and f"This link has expired. {ASK_AGAIN}" in page.text
    posted = client.post(_sign_page(token), {"signed_name": "Erin Employer", "confirm": "on"})
    assert posted.status_code == 410 and ASK_AGAIN in posted.text
    assert not Signature.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


def test_a_used_link_posted_again_signs_nothing_more(world, apprenticeship):
    review = _review(world, apprenticeship)
    _link, token = send_employer_link(actor=world.assessor, review=review)
    client = Client()
    client.post(_sign_page(token), {"signed_name": "Erin Employer", "confirm": "on"})
    again = client.post(_sign_page(token), {"signed_name": "Someone Else", "confirm": "on"})
    assert again.status_code == 410 and f"This link has already been used. {ASK_AGAIN}" in again.text
    assert list(review.signatures.values_list("signed_name", flat=True)) == ["Erin Employer"]


def test_a_link_to_content_changed_since_tells_the_employer_to_ask_for_a_new_one(world, apprenticeship):
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
    expected = f"What you were asked to sign has changed since this link was sent. {ASK_AGAIN}"
    with pytest.raises(LinkRefused) as refused:
        sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address=IP)
    assert str(refused.value) == expected
    posted = Client().post(_sign_page(token), {"signed_name": "Erin Employer", "confirm": "on"})
    assert posted.status_code == 410 and expected in posted.text
    assert not review.signatures.exists()


# --- Another employer's apprentice ------------------------------------------------------------------------------


def test_another_employers_apprentice_is_a_404_and_nothing_is_confirmed(world, apprenticeship):
    other = make_apprenticeship(
        world,
        registration=make_apprentice_registration(world),
        employer_name="Seaside Stores",
        contact_name="Sam Seaside",
        contact_email="sam@seaside.test",
    )
    erin = signed_in(apprenticeship.employer_contact.user)
    assert erin.get(reverse("apprenticeships:employer-apprentice", args=[other.pk])).status_code == 404
    confirm = erin.post(reverse("apprenticeships:employer-gateway-confirm", args=[other.pk]), {"confirm": "on"})
    assert confirm.status_code == 404
    assert not GatewayChecklist.objects.filter(employer_confirmed_at__isnull=False).exists()
