import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_password_reset_by_email_then_sign_in(client, world):
    response = client.get(reverse("password_reset"))
    assert response.status_code == 200
    response = client.post(reverse("password_reset"), {"email": world.learner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "a-brand-new-pass-77", "new_password2": "a-brand-new-pass-77"})
    assert response.status_code == 302
    assert client.login(email=world.learner.email, password="a-brand-new-pass-77")


def test_unknown_email_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []
