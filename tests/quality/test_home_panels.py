"""Each role's home page shows its quality panels: the IQA's samples, the assessor's actions, the admin's ready
count and the EQA's shares. (The demo's quality data is checked in tests/demo/seeded/.)"""

import pytest
from django.urls import reverse

from quality.models import Outcome

from .helpers import client_for, share, start_unit, take_sample

pytestmark = pytest.mark.django_db


def test_home_panels_for_each_role(world, plan, unit1):
    start_unit(world.registration, unit1)
    take_sample(plan, world.registration, unit1, outcome=Outcome.AGREE_WITH_ACTIONS)
    start_unit(world.other_registration, unit1)
    iqa_page = client_for(world.iqa).get(reverse("home")).content.decode()
    assert "IQA sampling" in iqa_page and "sample of " + world.other_learner.full_name in iqa_page
    assessor_page = client_for(world.assessor).get(reverse("home")).content.decode()
    assert "Actions from IQA samples" in assessor_page and "Add detail to the feedback." in assessor_page
    admin_page = client_for(world.admin).get(reverse("home")).content.decode()
    assert "ready to claim" in admin_page
    share(world, world.registration)
    eqa_page = client_for(world.eqa).get(reverse("home")).content.decode()
    assert "Shared with you for external quality assurance" in eqa_page and world.centre.name in eqa_page
