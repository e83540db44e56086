"""Witness testimony: a one-time, expiring link; the testimony arrives as WT evidence awaiting review."""

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from centres.models import Event
from portfolio.models import Evidence, WitnessInvitation
from portfolio.selectors import assessor_queue
from portfolio.services import NotAllowed, PortfolioError
from portfolio.services.witness import invite_witness, receive_testimony
from tests.portfolio.helpers import login, today

pytestmark = pytest.mark.django_db

WITNESS = {
    "name": "Dana Reid",
    "job_title": "Store manager",
    "relationship": "Line manager",
    "email": "dana@example.com",
}


def _token_from_email() -> str:
    return re.search(r"/portfolio/witness/([\w-]+)/", mail.outbox[-1].body).group(1)


def test_invitation_emails_a_one_time_link_and_keeps_only_its_hash(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite_witness(actor=world.learner, registration=world.registration, **WITNESS)
    assert mail.outbox[-1].to == ["dana@example.com"]
    assert world.learner.full_name in mail.outbox[-1].subject
    assert _token_from_email() == token
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(WitnessInvitation.objects.values_list().get(pk=invitation.pk))
    assert Event.objects.get(action="witness.invited").registration_id == world.registration.pk


@pytest.mark.parametrize("who", ["iqa", "admin", "other_learner", "other_centre_assessor"])
def test_only_the_learner_or_assessor_invites(world, who):
    with pytest.raises(NotAllowed):
        invite_witness(actor=getattr(world, who), registration=world.registration, **WITNESS)
    invite_witness(actor=world.assessor, registration=world.registration, **WITNESS)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("name", " ", "name"), ("email", "not-an-email", "email"), ("job_title", "", "job title")],
)
def test_invitation_needs_the_witness_details(world, field, value, message):
    with pytest.raises(PortfolioError, match=message):
        invite_witness(actor=world.learner, registration=world.registration, **(WITNESS | {field: value}))
    assert not WitnessInvitation.objects.exists()


def test_the_learner_cannot_be_their_own_witness(world):
    with pytest.raises(PortfolioError, match="someone other than the learner"):
        invite_witness(
            actor=world.learner, registration=world.registration, **(WITNESS | {"email": world.learner.email})
        )


def test_witness_writes_and_signs_without_an_account(client, world):
    invitation, token = invite_witness(actor=world.learner, registration=world.registration, **WITNESS)
    url = reverse("portfolio:witness-testimony", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert world.learner.full_name in page.text
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"]
    response = client.post(
        url,
        {
            "testimony": "Lena handled the <b>Saturday</b> queue calmly and checked every customer was happy.",
            "date": today(2).isoformat(),
            "signed_name": "Dana Reid",
            "confirm": "on",
        },
    )
    assert response.status_code == 200 and "Thank you" in response.text
    evidence = Evidence.objects.get(registration=world.registration)
    assert (evidence.reference, evidence.status, evidence.author) == (1, Evidence.Status.SUBMITTED, None)
    assert list(evidence.methods.values_list("code", flat=True)) == ["WT"]
    assert "Dana Reid, Store manager" in evidence.author_label
    invitation.refresh_from_db()
    assert invitation.used_at is not None and invitation.signed_name == "Dana Reid" and invitation.evidence == evidence
    event = Event.objects.get(action="witness.testimony_received")
    assert event.actor is None and event.actor_label == "Dana Reid (witness)"
    # It arrives in the assessor's queue, awaiting review (the assessor links it to criteria).
    assert list(assessor_queue(world.assessor)) == [evidence]
    # The link works once.
    again = client.get(url)
    assert again.status_code == 410 and "already been received" in again.text
    reposted = client.post(url, {"testimony": "x", "date": today().isoformat(), "signed_name": "D", "confirm": "on"})
    assert reposted.status_code == 410
    assert Evidence.objects.count() == 1


def test_unsigned_or_unconfirmed_testimony_is_not_saved(client, world):
    _invitation, token = invite_witness(actor=world.learner, registration=world.registration, **WITNESS)
    url = reverse("portfolio:witness-testimony", args=[token])
    response = client.post(url, {"testimony": "Good work", "date": today().isoformat(), "signed_name": ""})
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert not Evidence.objects.exists()
    with pytest.raises(PortfolioError, match="future"):
        receive_testimony(
            token=token, testimony="Good", signed_name="Dana", date=today() + dt.timedelta(1), confirm=True
        )


def test_expired_or_unknown_links_do_not_work(client, world):
    invitation, token = invite_witness(actor=world.learner, registration=world.registration, **WITNESS)
    WitnessInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = client.get(reverse("portfolio:witness-testimony", args=[token]))
    assert expired.status_code == 404 and "expired" in expired.text
    unknown = client.get(reverse("portfolio:witness-testimony", args=["not-a-real-token"]))
    assert unknown.status_code == 404 and "not valid" in unknown.text
    with pytest.raises(PortfolioError, match="expired"):
        receive_testimony(token=token, testimony="Good", signed_name="Dana", date=today(), confirm=True)
    assert not Evidence.objects.exists()


def test_witness_invite_page_permissions(client, world):
    url = reverse("portfolio:witness-invite", args=[world.registration.pk])
    assert client.get(url).status_code == 302  # anonymous: to sign in
    login(client, world.iqa)
    assert client.get(url).status_code == 403
    login(client, world.other_centre_assessor)
    assert client.get(url).status_code == 404
    login(client, world.learner)
    assert client.get(url).status_code == 200
    response = client.post(url, WITNESS, follow=True)
    assert "has been emailed a link" in response.text
    assert WitnessInvitation.objects.filter(registration=world.registration).count() == 1
