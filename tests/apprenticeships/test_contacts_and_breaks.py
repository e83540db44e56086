"""Ending a break in learning from the apprenticeship page; the centre admin's employer contacts: a new invitation in
the employer wording, and deactivation (audited), after which the contact's sign-in, pages and links stop working."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import EmployerContact
from apprenticeships.services import ApprenticeshipError, LinkRefused, NotAllowed
from apprenticeships.services.contacts import deactivate_employer_contact, resend_employer_invitation
from apprenticeships.services.links import get_employer_link, send_employer_link
from apprenticeships.services.reviews import record_review
from apprenticeships.services.setup import record_break
from centres.models import Event
from tests.apprenticeships.helpers import make_apprenticeship
from tests.factories import PASSWORD, build_world, make_registration

from .helpers import signed_in

pytestmark = pytest.mark.django_db


# --- Ending a break --------------------------------------------------------------------------------------------


def _open_break(world, apprenticeship, days_ago=10):
    return record_break(
        actor=world.assessor,
        apprenticeship=apprenticeship,
        starts_on=timezone.localdate() - dt.timedelta(days=days_ago),
        ends_on=None,
        reason="Illness",
    )


def test_the_assessor_ends_a_break_and_the_next_review_moves_on(world, apprenticeship):
    recorded = _open_break(world, apprenticeship, days_ago=40)  # the first review is due 36 days ago
    review = apprenticeship.reviews.get()
    due = review.due_on
    detail = reverse("apprenticeships:detail", args=[world.registration.pk])
    assert "End the break" in signed_in(world.assessor).get(detail).content.decode()
    assert "End the break" not in signed_in(world.learner).get(detail).content.decode()
    ends_on = recorded.starts_on + dt.timedelta(days=4)
    response = signed_in(world.assessor).post(
        reverse("apprenticeships:break-end", args=[recorded.pk]), {"ends_on": ends_on.isoformat()}, follow=True
    )
    assert "Break in learning ended" in response.content.decode()
    recorded.refresh_from_db()
    review.refresh_from_db()
    assert recorded.ends_on == ends_on
    assert review.due_on == due + dt.timedelta(days=5)
    assert Event.objects.filter(action="apprenticeship.break_ended").count() == 1


def test_ending_a_break_refuses_bad_dates_and_wrong_people(world, apprenticeship):
    recorded = _open_break(world, apprenticeship)
    url = reverse("apprenticeships:break-end", args=[recorded.pk])
    before = (recorded.starts_on - dt.timedelta(days=1)).isoformat()
    page = signed_in(world.assessor).post(url, {"ends_on": before}, follow=True).content.decode()
    assert "The break must end on or after the day it starts" in page
    page = signed_in(world.assessor).post(url, {"ends_on": ""}, follow=True).content.decode()
    assert "Give the date the break ended" in page
    assert signed_in(world.learner).post(url, {"ends_on": recorded.starts_on.isoformat()}).status_code == 403
    assert signed_in(build_world().admin).post(url, {"ends_on": recorded.starts_on.isoformat()}).status_code == 404
    recorded.refresh_from_db()
    assert recorded.ends_on is None
    assert not Event.objects.filter(action="apprenticeship.break_ended").exists()


# --- Employer contacts -----------------------------------------------------------------------------------------


def _contact(apprenticeship) -> EmployerContact:
    return apprenticeship.employer_contact


def test_the_invitation_resent_to_an_employer_contact_uses_the_employer_wording(
    world, apprenticeship, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    contact = _contact(apprenticeship)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(world.admin).post(
            reverse("apprenticeships:contact-invite", args=[contact.pk]), follow=True
        )
    assert "A new invitation was sent" in response.content.decode()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "employer contact of your apprentices" in body and "added you to its staff" not in body
    assert contact.user.invitations.latest("created_at").kind == "employer"


def test_only_a_centre_admin_manages_contacts(world, apprenticeship):
    contact = _contact(apprenticeship)
    with pytest.raises(NotAllowed):
        resend_employer_invitation(actor=world.assessor, contact=contact)
    with pytest.raises(NotAllowed):
        deactivate_employer_contact(actor=world.assessor, contact=contact)
    deactivate = reverse("apprenticeships:contact-deactivate", args=[contact.pk])
    assert signed_in(world.assessor).post(deactivate, {"confirm": "on"}).status_code == 403
    assert signed_in(build_world().admin).post(deactivate, {"confirm": "on"}).status_code == 404
    assert signed_in(contact.user).post(deactivate, {"confirm": "on"}).status_code == 404
    contact.refresh_from_db()
    assert contact.is_active


def test_a_deactivated_contact_can_no_longer_sign_in_see_pages_or_use_links(world, apprenticeship):
    contact = _contact(apprenticeship)
    user = contact.user
    user.set_password(PASSWORD)
    user.save()
    review = record_review(
        actor=world.assessor,
        review=apprenticeship.reviews.get(),
        held_on=timezone.localdate(),
        targets_set="Unit 3",
        targets_met="Induction",
        english_maths="GCSE",
        wellbeing="Fine",
        safeguarding="Fine",
        employer_comments="",
    )
    _link, token = send_employer_link(actor=world.assessor, review=review)
    employer_session = signed_in(user)
    assert employer_session.get(reverse("apprenticeships:employer-home")).status_code == 200

    page = signed_in(world.admin).post(
        reverse("apprenticeships:contact-deactivate", args=[contact.pk]),
        {"confirm": "on", "reason": "Left the company"},
        follow=True,
    )
    assert "is no longer an employer contact" in page.content.decode()
    contact.refresh_from_db()
    user.refresh_from_db()
    assert not contact.is_active and not user.is_active
    event = Event.objects.get(action="apprenticeship.employer_contact_deactivated")
    assert event.data["reason"] == "Left the company" and event.data["account_disabled"] is True

    # Signing in fails; the open session no longer reaches the employer's pages; the link is refused.
    client = Client()
    client.post(reverse("login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert employer_session.get(reverse("apprenticeships:employer-home")).status_code != 200
    with pytest.raises(LinkRefused, match="not an active contact"):
        get_employer_link(token)
    assert signed_in(world.assessor).get(reverse("apprenticeships:employer-sign", args=[token])).status_code == 410
    with pytest.raises(ApprenticeshipError, match="no longer an active employer contact"):
        send_employer_link(actor=world.assessor, review=review)
    with pytest.raises(ApprenticeshipError, match="already deactivated"):
        deactivate_employer_contact(actor=world.admin, contact=contact)


def test_a_contact_of_another_employer_too_keeps_their_account(world, apprenticeship):
    contact = _contact(apprenticeship)
    other = make_apprenticeship(
        world,
        registration=make_registration(world.centre, assessor=world.assessor, iqa=world.iqa),
        employer_name="Seaside Stores",
        contact_email=contact.user.email,
    )
    deactivate_employer_contact(actor=world.admin, contact=contact)
    contact.user.refresh_from_db()
    assert contact.user.is_active
    home = signed_in(contact.user).get(reverse("apprenticeships:employer-home")).content.decode()
    assert other.registration.learner.full_name in home
    assert apprenticeship.registration.learner.full_name not in home


def test_deactivation_needs_the_box_ticked(world, apprenticeship):
    contact = _contact(apprenticeship)
    page = signed_in(world.admin).post(reverse("apprenticeships:contact-deactivate", args=[contact.pk]), follow=True)
    assert "Tick the box" in page.content.decode()
    contact.refresh_from_db()
    assert contact.is_active


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_contacts_page_costs_the_same_queries_for_few_and_many_contacts(world, apprenticeship):
    client = signed_in(world.admin)
    url = reverse("apprenticeships:employer-contacts", args=[world.centre.pk])
    small = _count(client, url)
    for n in range(6):
        make_apprenticeship(
            world,
            registration=make_registration(world.centre, assessor=world.assessor, iqa=world.iqa),
            employer_name=f"Employer {n}",
            contact_email=f"contact{n}@employer.test",
        )
    large = _count(client, url)
    assert small == large, (small, large)
    page = client.get(url).content.decode()
    assert "contact5@employer.test" in page and "Send a new invitation" in page
    assert signed_in(world.assessor).get(url).status_code == 403
    assert url in client.get(reverse("home")).content.decode()  # linked from the admin's home page
