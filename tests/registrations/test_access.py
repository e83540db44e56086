"""Every registration page as the right role, the wrong role, the wrong centre and an anonymous visitor."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

WHO = [
    "admin",
    "assessor",
    "trainee",
    "iqa",
    "learner",
    "other_learner",
    "other_admin",
    "other_assessor",
    "eqa",
    "anonymous",
]


def expected(table: dict, who: str) -> int:
    return table.get(who, table.get("*"))


def check(client, world, who, method, url, status, data=None):
    if who != "anonymous":
        client.force_login(getattr(world, who))
    response = getattr(client, method)(url, data or {})
    assert response.status_code == status, (who, url, response.status_code)
    if who == "anonymous":
        assert response.url.startswith(reverse("login"))
    return response


CENTRE_ADMIN_ONLY = {
    "admin": 200,
    "assessor": 403,
    "trainee": 403,
    "iqa": 403,
    "other_assessor": 403,
    "learner": 404,
    "other_learner": 404,
    "other_admin": 404,
    "eqa": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", ["portfolio:registration-create", "portfolio:registration-bulk"])
def test_registering_pages_are_for_the_centres_admin(client, world, who, name):
    check(client, world, who, "get", reverse(name, args=[world.centre.pk]), expected(CENTRE_ADMIN_ONLY, who))


@pytest.mark.parametrize("who", WHO)
def test_bulk_confirm_is_for_the_centres_admin(client, world, who):
    table = {**CENTRE_ADMIN_ONLY, "admin": 302}
    url = reverse("portfolio:registration-bulk-confirm", args=[world.centre.pk])
    check(client, world, who, "post", url, expected(table, who))


ANY_CENTRE_ADMIN = {"admin": 200, "other_admin": 200, "anonymous": 302, "*": 403}


@pytest.mark.parametrize("who", WHO)
def test_csv_template_is_for_centre_admins(client, world, who):
    check(client, world, who, "get", reverse("portfolio:registration-csv-template"), expected(ANY_CENTRE_ADMIN, who))


@pytest.mark.parametrize("who", WHO)
def test_unit_check_is_for_centre_admins(client, world, who):
    from qualifications.models import Qualification

    url = reverse("portfolio:registration-check-units") + f"?qualification={Qualification.objects.first().pk}"
    check(client, world, who, "get", url, expected(ANY_CENTRE_ADMIN, who))


@pytest.mark.parametrize("who", WHO)
def test_register_a_learner_start(client, world, who):
    table = {"admin": 302, "other_admin": 302, "anonymous": 302, "*": 403}
    check(client, world, who, "get", reverse("portfolio:registration-start"), expected(table, who))


STAFF = {
    "admin": 200,
    "assessor": 200,
    "trainee": 200,
    "iqa": 200,
    "other_admin": 200,
    "other_assessor": 200,
    "learner": 403,
    "other_learner": 403,
    "eqa": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("who", WHO)
def test_learner_list_is_for_staff(client, world, who):
    check(client, world, who, "get", reverse("portfolio:registration-list"), expected(STAFF, who))


@pytest.mark.parametrize("who", ["admin", "assessor", "iqa"])
def test_learner_list_for_another_centre_is_404(client, world, who):
    url = reverse("portfolio:registration-list") + f"?centre={world.other_centre.pk}"
    check(client, world, who, "get", url, 404)


@pytest.mark.parametrize("who", WHO)
def test_export_is_for_centre_admins(client, world, who):
    check(client, world, who, "get", reverse("portfolio:registration-export"), expected(ANY_CENTRE_ADMIN, who))


def test_export_of_another_centre_is_404(client, world):
    url = reverse("portfolio:registration-export") + f"?centre={world.centre.pk}"
    check(client, world, "other_admin", "get", url, 404)


DETAIL = {
    "admin": 200,
    "assessor": 200,
    "iqa": 200,
    "learner": 200,
    "trainee": 404,
    "other_assessor": 404,
    "other_learner": 404,
    "other_admin": 404,
    "eqa": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("who", WHO)
def test_registration_record_is_seen_only_within_scope(client, world, who):
    url = reverse("portfolio:registration-detail", args=[world.registration.pk])
    check(client, world, who, "get", url, expected(DETAIL, who))


ACTION = {
    "admin": 200,
    "assessor": 403,
    "iqa": 403,
    "learner": 403,
    "trainee": 404,
    "other_assessor": 404,
    "other_learner": 404,
    "other_admin": 404,
    "eqa": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    "name",
    [
        "portfolio:registration-move",
        "portfolio:registration-change-iqa",
        "portfolio:registration-withdraw",
        "portfolio:registration-complete",
    ],
)
def test_registration_actions_are_for_the_centres_admin(client, world, who, name):
    url = reverse(name, args=[world.registration.pk])
    check(client, world, who, "get", url, expected(ACTION, who))


# The identity check: the centre admin or the learner's own assessor.
IDENTITY = {**ACTION, "assessor": 200}


@pytest.mark.parametrize("who", WHO)
def test_identity_check_is_recorded_by_the_admin_or_the_learners_assessor(client, world, who):
    url = reverse("portfolio:registration-identity", args=[world.registration.pk])
    check(client, world, who, "get", url, expected(IDENTITY, who))


@pytest.mark.parametrize("who", ["assessor", "iqa", "learner", "other_admin", "anonymous"])
def test_posting_an_action_outside_ones_role_changes_nothing(client, world, who):
    if who != "anonymous":
        client.force_login(getattr(world, who))
    client.post(reverse("portfolio:registration-withdraw", args=[world.registration.pk]), {"reason": "x"})
    world.registration.refresh_from_db()
    assert world.registration.status == "active"


def test_other_centres_registration_is_404_for_the_admin(client, world):
    client.force_login(world.admin)
    for name in ["portfolio:registration-detail", "portfolio:registration-move", "portfolio:registration-withdraw"]:
        assert client.get(reverse(name, args=[world.other_centre_registration.pk])).status_code == 404


def test_learner_sees_their_record_without_staff_history(client, world):
    client.force_login(world.learner)
    content = client.get(reverse("portfolio:registration-detail", args=[world.registration.pk])).content.decode()
    assert "History" not in content
    assert "Withdraw" not in content


def test_assessor_sees_no_admin_actions_on_the_record(client, world):
    client.force_login(world.assessor)
    content = client.get(reverse("portfolio:registration-detail", args=[world.registration.pk])).content.decode()
    assert reverse("portfolio:registration-withdraw", args=[world.registration.pk]) not in content
    assert reverse("portfolio:registration-move", args=[world.registration.pk]) not in content
