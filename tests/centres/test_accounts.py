"""Disabling accounts (site administrators) and the Django admin's account actions."""

import pytest
from django.urls import reverse

from centres.models import Event, User
from centres.services import NotAllowed, set_account_active
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.test", password="root-pass-2026", full_name="Root")


def test_disabling_from_the_admin_signs_the_person_out_everywhere(client, world, superuser):
    from django.test import Client

    learner_phone, learner_laptop = Client(), Client()
    learner_phone.force_login(world.learner)
    learner_laptop.force_login(world.learner)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:centres_user_changelist"),
        {"action": "disable_accounts", "_selected_action": [world.learner.pk]},
    )
    assert response.status_code == 302
    world.learner.refresh_from_db()
    assert not world.learner.is_active
    assert Event.objects.filter(action="account.disabled", object_id=world.learner.pk).exists()
    for device in (learner_phone, learner_laptop):
        assert device.get(reverse("home")).url.startswith(reverse("login"))


def test_only_site_administrators_disable_accounts(world):
    with pytest.raises(NotAllowed):
        set_account_active(actor=world.admin, user=world.learner, active=False)


def test_nobody_disables_themselves(superuser):
    with pytest.raises(NotAllowed):
        set_account_active(actor=superuser, user=superuser, active=False)


def test_enabling_again_lets_them_sign_in(client, superuser):
    person = make_user(email="back@example.test")
    set_account_active(actor=superuser, user=person, active=False)
    set_account_active(actor=superuser, user=person, active=True)
    assert client.login(email="back@example.test", password="test-pass-2026")
