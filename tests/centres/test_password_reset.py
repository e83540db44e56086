import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.signing_in import sign_in_through_the_pages

pytestmark = pytest.mark.django_db


def test_password_reset_by_email_then_sign_in(client, world):
    response = client.get(reverse("account_reset_password"))
    assert response.status_code == 200
    response = client.post(reverse("account_reset_password"), {"email": world.learner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.learner.email]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Change Password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": "a-brand-new-pass-77", "password2": "a-brand-new-pass-77"})
    assert response.status_code == 302
    assert sign_in_through_the_pages(client, world.learner.email, "a-brand-new-pass-77").status_code == 302
    assert "_auth_user_id" in client.session


def test_unknown_email_gets_the_same_answer_and_no_account_email(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    # allauth's enumeration-safe answer: the same page; no email carries a reset link.
    assert not any("/accounts/password/reset/key/" in message.body for message in mail.outbox)
