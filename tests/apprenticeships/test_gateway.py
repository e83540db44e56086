"""The end-point assessment gateway checklist: what is read from the portfolio and the OTJ log, and the three
things recorded once each (English and maths evidence, the employer's confirmation, the learner's declaration)."""

import pytest
from django.test import Client
from django.urls import reverse

from apprenticeships.services import ApprenticeshipError, NotAllowed
from apprenticeships.services.gateway import (
    confirm_by_employer,
    declare_by_learner,
    gateway_items,
    record_english_maths,
)
from centres.models import Event
from tests.apprenticeships.helpers import make_apprenticeship
from tests.factories import make_registration

pytestmark = pytest.mark.django_db


def _met(apprenticeship) -> dict[str, bool]:
    return {item.key: item.met for item in gateway_items(apprenticeship)}


def test_nothing_is_met_at_the_start(apprenticeship):
    assert _met(apprenticeship) == {
        "units": False,
        "otj": False,
        "english_maths": False,
        "employer": False,
        "learner": False,
    }


def test_each_recorded_item_once_with_history(world, apprenticeship):
    record_english_maths(actor=world.assessor, apprenticeship=apprenticeship, evidence="GCSE maths 4, English 5")
    declare_by_learner(actor=world.learner, apprenticeship=apprenticeship, ip_address="192.0.2.1")
    confirm_by_employer(
        actor=apprenticeship.employer_contact.user, apprenticeship=apprenticeship, ip_address="192.0.2.2"
    )
    met = _met(apprenticeship)
    assert met["english_maths"] and met["employer"] and met["learner"]
    assert Event.objects.filter(action__startswith="apprenticeship.gateway_").count() == 3
    with pytest.raises(ApprenticeshipError, match="already"):
        declare_by_learner(actor=world.learner, apprenticeship=apprenticeship, ip_address=None)
    with pytest.raises(ApprenticeshipError, match="already"):
        confirm_by_employer(actor=apprenticeship.employer_contact.user, apprenticeship=apprenticeship, ip_address=None)
    with pytest.raises(ApprenticeshipError, match="already"):
        record_english_maths(actor=world.assessor, apprenticeship=apprenticeship, evidence="again")


def test_only_the_right_people_record(world, apprenticeship):
    with pytest.raises(NotAllowed):
        record_english_maths(actor=world.learner, apprenticeship=apprenticeship, evidence="GCSE")
    with pytest.raises(NotAllowed):
        declare_by_learner(actor=world.assessor, apprenticeship=apprenticeship, ip_address=None)
    with pytest.raises(NotAllowed):
        confirm_by_employer(actor=world.admin, apprenticeship=apprenticeship, ip_address=None)
    assert not any(_met(apprenticeship).values())


def test_empty_english_maths_evidence_is_refused(world, apprenticeship):
    with pytest.raises(ApprenticeshipError, match="English and maths"):
        record_english_maths(actor=world.assessor, apprenticeship=apprenticeship, evidence="  ")


def test_another_employers_contact_cannot_confirm_through_the_page(world, apprenticeship):
    other = make_apprenticeship(
        world,
        registration=make_registration(world.centre, assessor=world.assessor, iqa=world.iqa),
        employer_name="Seaside Stores",
        contact_name="Sam Seaside",
        contact_email="sam@seaside.test",
    )
    client = Client()
    client.force_login(other.employer_contact.user)
    url = reverse("apprenticeships:employer-gateway-confirm", args=[apprenticeship.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 404
    assert not _met(apprenticeship)["employer"]


def test_gateway_page_shows_the_checklist(world, apprenticeship):
    client = Client()
    client.force_login(world.learner)
    page = client.get(reverse("apprenticeships:gateway", args=[world.registration.pk])).content.decode()
    assert "Every unit signed off" in page and "Off-the-job training minimum met" in page
    assert "Make the declaration" in page
