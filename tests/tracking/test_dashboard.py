import pytest
from django.urls import reverse

from portfolio.models import CountersignStatus, CriterionDecision
from tracking import demo
from tracking.models import Signature
from tracking.services.signoff import sign_unit

from .helpers import client_for, complete_unit, first_unit
from .test_signoff import share_with_eqa

pytestmark = pytest.mark.django_db


def home(user) -> str:
    return client_for(user).get(reverse("home")).content.decode()


def test_learner_sees_units_ready_for_their_signature(world, completed):
    assert "Units ready for your signature" in home(world.learner)
    assert "Unit 1: Delivery of effective customer service (J/600/1003)" in home(world.learner)
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    assert "No units are waiting for your signature." in home(world.learner)


def test_assessor_sees_sheets_to_sign_and_countersignatures_waiting(world, completed):
    assert "No tracking sheets are waiting for you." in home(world.assessor)
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    page = home(world.assessor)
    assert "Lena Learner: J/600/1003" in page
    assert "Sign-offs to countersign" in page  # the assessor supervises a trainee

    registration = world.trainee_registration
    unit = first_unit(registration)
    complete_unit(registration, unit, by=world.trainee)
    CriterionDecision.objects.filter(registration=registration).update(countersign_status=CountersignStatus.CONFIRMED)
    sign_unit(registration=registration, unit=unit, user=registration.learner, role="learner")
    sign_unit(registration=registration, unit=unit, user=world.trainee, role="assessor")
    assert f"{registration.learner.full_name}: {unit.reference}" in home(world.assessor)
    assert "Sign-offs to countersign" not in home(world.other_assessor)


def test_iqa_and_eqa_see_signed_off_units_waiting(world, completed):
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    sign_unit(registration=world.registration, unit=completed, user=world.assessor, role="assessor")
    assert "Lena Learner: J/600/1003" in home(world.iqa)
    assert "No shared units are waiting." in home(world.eqa)
    share_with_eqa(world, world.registration, completed)
    assert "Lena Learner: J/600/1003" in home(world.eqa)
    sign_unit(registration=world.registration, unit=completed, user=world.iqa, role="iqa")
    assert "No recently signed-off units." in home(world.iqa)


def test_demo_signs_one_complete_unit_once(world, completed):
    context = {"registrations": {"lena": world.registration, "omar": world.other_registration}}
    demo.seed(context)
    assert set(Signature.objects.values_list("role", flat=True)) == {"learner", "assessor"}
    demo.seed(context)
    assert Signature.objects.count() == 2


def test_demo_does_nothing_when_no_unit_is_complete(world):
    demo.seed({"registrations": {"omar": world.other_registration}})
    demo.seed({})
    assert not Signature.objects.exists()
