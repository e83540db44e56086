"""The Django admin signs in through the site's sign-in page: its rate limits and MFA apply there too."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD
from tests.signing_in import set_up_totp, totp_code

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root@example.test", PASSWORD, full_name="Site Admin")


def test_admin_login_sends_people_to_the_sign_in_page_with_next(client, db):
    response = client.get(ADMIN_LOGIN)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=%2Fadmin%2F"


def test_thirty_wrong_passwords_by_the_admin_login_then_the_right_one_is_refused(client, superuser):
    for n in range(30):
        # The admin's own form takes no password: every attempt lands on the sign-in page, which counts it.
        response = client.post(ADMIN_LOGIN, {"username": superuser.email, "password": f"wrong-{n}"})
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        client.post(response.url, {"login": superuser.email, "password": f"wrong-{n}"})
    response = client.post(f"{reverse('login')}?next=/admin/", {"login": superuser.email, "password": PASSWORD})
    # Refused: by the failures counted for this account from this address, or by the address's attempts a minute.
    assert response.status_code == 429 or "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_superuser_signs_in_to_the_admin_with_password_and_code(client, superuser):
    secret = set_up_totp(superuser)
    response = client.post(f"{reverse('login')}?next=/admin/", {"login": superuser.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # not yet
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_superuser_without_mfa_must_set_it_up_before_the_admin(client, superuser):
    client.post(reverse("login"), {"login": superuser.email, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == reverse("mfa_index")
