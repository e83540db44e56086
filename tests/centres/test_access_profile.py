"""A person's roles are read once per request and answered from memory, and any change to roles is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centres.access import access_profile, has_role, membership_for, remembering_access, roles_of
from centres.models import Membership, Role
from centres.services import end_membership
from portfolio.access import registrations_for
from portfolio.models import Registration

pytestmark = pytest.mark.django_db


def test_a_centre_may_be_named_by_object_id_or_id_from_a_url(world):
    for centre in (world.centre, world.centre.pk, str(world.centre.pk)):
        assert has_role(world.assessor, Role.ASSESSOR, centre)
        assert membership_for(world.assessor, centre, Role.ASSESSOR) is not None
    assert not has_role(world.assessor, Role.ASSESSOR, "not-a-number")
    assert not has_role(world.assessor, Role.ASSESSOR, world.other_centre)


def test_within_a_request_roles_are_read_once(world):
    with remembering_access():
        access_profile(world.assessor)
        with CaptureQueriesContext(connection) as captured:
            has_role(world.assessor, Role.ASSESSOR)
            roles_of(world.assessor)
            membership_for(world.assessor, world.centre, Role.ASSESSOR)
        assert len(captured) == 0


def test_a_role_that_ends_is_forgotten_at_once_even_within_a_request(world):
    Registration.objects.filter(assessor=world.other_assessor).update(assessor=world.assessor)
    membership = Membership.objects.get(user=world.other_assessor, role=Role.ASSESSOR)
    with remembering_access():
        assert has_role(world.other_assessor, Role.ASSESSOR)
        end_membership(actor=world.admin, membership=membership, reason="Left")
        assert not has_role(world.other_assessor, Role.ASSESSOR)


def test_learners_scope_is_their_own_registrations_only(world):
    assert list(registrations_for(world.learner)) == list(Registration.objects.filter(learner=world.learner))
