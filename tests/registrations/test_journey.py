"""The issue's "done when", walked through the pages as a new centre admin and a new learner would."""

import datetime as dt

import pytest
from django.urls import reverse

from qualifications.models import Qualification
from tests.centres.helpers import invitation_link, last_mail_to
from tests.factories import PASSWORD
from tests.signing_in import set_up_totp, sign_in_through_the_pages

pytestmark = pytest.mark.django_db


def test_admin_registers_a_learner_who_sets_a_password_and_signs_in(client, world, django_capture_on_commit_callbacks):
    # The centre admin signs in and finds "Register a learner" on their home page.
    sign_in_through_the_pages(client, world.admin.email, PASSWORD, totp_secret=set_up_totp(world.admin))
    home = client.get(reverse("home")).content.decode()
    register_url = reverse("portfolio:registration-create", args=[world.centre.pk])
    assert register_url in home
    certificate = Qualification.objects.get(number="600/5472/4")
    form = client.get(register_url, {"qualification": certificate.pk})
    assert form.status_code == 200
    today = dt.date.today()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            register_url,
            {
                "qualification": certificate.pk,
                "full_name": "Jo Journey",
                "email": "jo@example.test",
                "date_of_birth": "2002-03-04",
                "start_date": today.isoformat(),
                "planned_end_date": (today + dt.timedelta(days=270)).isoformat(),
                "assessor": world.assessor.pk,
                "iqa": world.iqa.pk,
            },
            follow=True,
        )
    assert "Jo Journey is registered" in response.content.decode()
    client.post(reverse("logout"))

    # The learner opens the emailed link, sets a password and signs in.
    link = invitation_link(last_mail_to("jo@example.test"))
    # Setting the password signs her in.
    response = client.post(link, {"new_password1": "my-own-secret-9", "new_password2": "my-own-secret-9"}, follow=True)
    assert response.status_code == 200
    assert "Welcome, Jo" in response.content.decode()
    # The learner sees their own registration and nobody else's.
    from portfolio.models import Registration

    mine = Registration.objects.get(learner__email="jo@example.test")
    assert client.get(reverse("portfolio:registration-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("portfolio:registration-detail", args=[world.registration.pk])).status_code == 404
    assert client.get(reverse("portfolio:registration-list")).status_code == 403
