"""The session row names the person signed in to it, so a signed-in request reads them with the session (one
query, not two) while every check Django makes on the session still holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import UserSession
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HOME = reverse("home")
LOGIN = reverse("login")


def sign_in(client, user):
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _user_reads(captured) -> int:
    """Queries that read a user row by id on its own (what Django's session authentication does)."""
    return sum(1 for query in captured if 'FROM "centres_user" WHERE "centres_user"."id" =' in query["sql"])


def test_the_session_row_names_who_is_signed_in(client, world):
    sign_in(client, world.admin)
    assert UserSession.objects.get(session_key=client.session.session_key).user == world.admin


def test_a_signed_in_request_reads_the_user_with_the_session(client, world):
    sign_in(client, world.learner)
    client.get(HOME)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.status_code == 200 and response.context["user"] == world.learner
    assert _user_reads(captured) == 0
    sessions = [query for query in captured if UserSession._meta.db_table in query["sql"]]
    assert len(sessions) == 1 and "centres_user" in sessions[0]["sql"]


def test_changing_the_password_signs_other_sessions_out(client, world):
    sign_in(client, world.admin)
    world.admin.set_password("a-new-passphrase-2026")
    world.admin.save()
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_a_deactivated_account_is_signed_out(client, world):
    sign_in(client, world.admin)
    world.admin.is_active = False
    world.admin.save(update_fields=["is_active"])
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_signing_out_removes_the_session_row(client, world):
    sign_in(client, world.admin)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=key).exists()
    assert client.get(HOME).status_code == 302


def test_a_session_whose_row_names_someone_else_is_answered_by_django(client, world):
    """Should the row and the session's data ever disagree, the data decides, read as Django reads it."""
    sign_in(client, world.assessor)  # someone who needs no second factor, so the home page answers at once
    UserSession.objects.filter(session_key=client.session.session_key).update(user=world.learner)
    response = client.get(HOME)
    assert response.status_code == 200 and response.context["user"] == world.assessor


def test_deleting_a_person_ends_their_sessions(client, world):
    from tests.factories import make_user

    person = make_user("leaving@example.test")
    sign_in(client, person)
    person_id = person.pk
    assert UserSession.objects.filter(user_id=person_id).count() == 1
    person.delete()
    assert not UserSession.objects.filter(user_id=person_id).exists()
    assert client.get(HOME).status_code == 302
