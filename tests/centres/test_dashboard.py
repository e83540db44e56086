"""Each role's home page shows that person's own work."""

import datetime as dt

import pytest
from django.urls import reverse

from centres.models import Invitation, User
from centres.services import invite_user
from portfolio.models import Registration

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_centre_admin_sees_counts_attention_and_pending_invitations(client, world):
    Registration.objects.filter(pk=world.registration.pk).update(planned_end_date=dt.date.today() - dt.timedelta(1))
    Registration.objects.filter(pk=world.other_registration.pk).update(id_checked_on=None)
    newcomer = User.objects.create_user(email="pending@example.test", full_name="Pat Pending")
    invite_user(actor=world.admin, user=newcomer, centre=world.centre, kind=Invitation.Kind.STAFF)
    content = home(client, world.admin)
    assert "Northgate Training: centre admin" in content
    assert "<strong>3</strong> active learners" in content
    assert "past planned end date" in content
    assert "identity not checked" in content
    assert "Registrations needing attention (2)" in content  # one past its end date, one not identity-checked
    assert "Lena Learner" in content
    assert "Pat Pending" in content
    assert "Southbank" not in content


def test_assessor_sees_their_caseload(client, world):
    content = home(client, world.other_assessor)
    assert "Your learners" in content
    assert "1 active learner at Northgate Training" in content
    assert "centre admin" not in content


def test_trainee_is_told_who_countersigns(client, world):
    content = home(client, world.trainee)
    assert f"{world.assessor} countersigns your decisions" in content


def test_qualified_assessor_sees_whom_they_countersign(client, world):
    content = home(client, world.assessor)
    assert f"You countersign the decisions of: {world.trainee}" in content


def test_iqa_sees_the_learners_they_quality_assure(client, world):
    content = home(client, world.iqa)
    assert "Learners you quality-assure" in content
    assert "3 active learners at Northgate Training" in content


def test_home_page_queries_do_not_grow_with_learners(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_registration

    client.force_login(world.admin)
    with CaptureQueriesContext(connection) as small:
        client.get(HOME)
    for _ in range(8):
        make_registration(world.centre, assessor=world.assessor, iqa=world.iqa)
    with CaptureQueriesContext(connection) as large:
        client.get(HOME)
    # With the identity-check and failing-files panels, "Waiting for you", the header bell's unread count, and the
    # apprenticeship reviews due, apprenticeships to set up and the person's own apprenticeships
    # (apprenticeships.dashboard); and in "Waiting for you", progress reviews due and reviews waiting for the
    # provider's signature (two queries, dashboard/waiting.py reviews_waiting).
    assert len(large) == len(small) <= 29


def test_countersigning_links_show_only_for_those_who_countersign_a_trainee(client, world):
    from centres.models import CompetenceStatus, Role
    from tests.factories import make_staff

    def nav(user) -> str:
        client.force_login(user)
        return client.get(reverse("home")).content.decode()

    countersign_queue = reverse("portfolio:countersign-queue")
    samples_queue = reverse("quality:countersign-queue")
    assert countersign_queue in nav(world.assessor)  # countersigns for the trainee assessor
    assert countersign_queue not in nav(world.other_assessor)
    assert samples_queue not in nav(world.iqa)
    make_staff(world.centre, Role.IQA, status=CompetenceStatus.WORKING_TOWARDS, countersignatory=world.iqa)
    assert samples_queue in nav(world.iqa)
