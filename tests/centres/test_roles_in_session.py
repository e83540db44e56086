"""A signed-in person's roles are kept in their session between requests, and every change to them is seen on the
next page: a role removed, a centre left, a trainee no longer countersigned for, an EQA link ended, a centre
renamed."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import CompetenceStatus, EqaLink, Membership, Role
from centres.services import end_membership
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def navigation(client: Client, url: str = HOME) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.search(r"<nav .*?</nav>", response.content.decode(), re.S).group(0)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_read_no_roles_while_nothing_changes(world):
    client = signed_in(world.assessor)
    client.get(HOME)
    with CaptureQueriesContext(connection) as captured:
        assert "Assessment queue" in navigation(client)
    # The roles query is the one that reads EQA links beside memberships.
    assert not [query for query in captured if "centres_eqalink" in query["sql"]]


def test_a_role_removed_is_gone_from_the_next_pages_navigation(world):
    make_staff(world.centre, Role.ASSESSOR, user=world.iqa)
    client = signed_in(world.iqa)
    before = navigation(client)
    assert "Assessment queue" in before and "Sampling" in before
    membership = Membership.objects.get(user=world.iqa, centre=world.centre, role=Role.ASSESSOR)

    end_membership(actor=world.admin, membership=membership, reason="Now IQA only")

    after = navigation(client)
    assert "Assessment queue" not in after
    assert "Sampling" in after
    assert client.get(reverse("portfolio:assessor-queue")).status_code == 403


def test_a_centre_left_is_gone_from_the_next_pages_navigation(world):
    make_staff(world.other_centre, Role.CENTRE_ADMIN, user=world.admin)
    client = signed_in(world.admin)
    before = navigation(client)
    assert f"Staff ({world.other_centre.name})" in before
    assert reverse("centres:staff-list", args=[world.other_centre.pk]) in before
    membership = Membership.objects.get(user=world.admin, centre=world.other_centre)

    end_membership(actor=world.other_admin, membership=membership, reason="Moved on")

    after = navigation(client)
    assert world.other_centre.name not in after
    assert reverse("centres:staff-list", args=[world.other_centre.pk]) not in after
    assert reverse("centres:staff-list", args=[world.centre.pk]) in after
    assert client.get(reverse("centres:staff-list", args=[world.other_centre.pk])).status_code == 404


def test_a_trainee_who_qualifies_leaves_their_countersignatorys_navigation(world):
    client = signed_in(world.assessor)
    assert "Countersigning" in navigation(client)
    trainee = Membership.objects.get(user=world.trainee, role=Role.ASSESSOR)

    trainee.status = CompetenceStatus.QUALIFIED
    trainee.save()

    assert "Countersigning" not in navigation(client)


def test_a_trainee_moved_to_another_countersignatory_leaves_the_first_ones_navigation(world):
    client = signed_in(world.assessor)
    assert "Countersigning" in navigation(client)
    trainee = Membership.objects.get(user=world.trainee, role=Role.ASSESSOR)

    trainee.countersignatory = world.other_assessor
    trainee.save()

    assert "Countersigning" not in navigation(client)
    assert "Countersigning" in navigation(signed_in(world.other_assessor))


def test_a_trainee_whose_account_is_disabled_leaves_their_countersignatorys_navigation(world):
    client = signed_in(world.assessor)
    assert "Countersigning" in navigation(client)

    world.trainee.is_active = False
    world.trainee.save()

    assert "Countersigning" not in navigation(client)


def test_an_ended_eqa_link_is_gone_from_the_next_pages_navigation(world):
    client = signed_in(world.eqa)
    assert "Shared with me" in navigation(client)

    EqaLink.objects.get(user=world.eqa, centre=world.centre).delete()
    link = EqaLink.objects.get(user=world.eqa, centre=world.other_centre)
    link.is_active = False
    link.save()

    assert "Shared with me" not in navigation(client)


def test_a_renamed_centre_is_shown_by_its_new_name_on_the_next_page(world):
    make_staff(world.other_centre, Role.CENTRE_ADMIN, user=world.admin)
    client = signed_in(world.admin)
    assert f"Staff ({world.other_centre.name})" in navigation(client)

    world.other_centre.name = "Southgate Academy"
    world.other_centre.save()

    assert "Staff (Southgate Academy)" in navigation(client)


def test_a_role_given_is_in_the_next_pages_navigation(world):
    client = signed_in(world.assessor)
    assert "Sampling" not in navigation(client)

    make_staff(world.centre, Role.IQA, user=world.assessor)

    assert "Sampling" in navigation(client)
