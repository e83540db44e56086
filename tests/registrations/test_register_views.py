"""Registering one learner through the pages, as a centre admin would."""

import datetime as dt

import pytest
from django.urls import reverse

from centres.models import Role
from portfolio.models import Registration
from qualifications.models import Pathway, Qualification, Unit
from tests.centres.helpers import invitation_link, last_mail_to
from tests.registrations.helpers import form_data

from .conftest import NVQ_UNITS

pytestmark = pytest.mark.django_db


def test_start_sends_a_single_centre_admin_to_their_centre(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("portfolio:registration-start"))
    assert response.url == reverse("portfolio:registration-create", args=[world.centre.pk])


def test_an_admin_of_two_centres_chooses_the_centre(client, world):
    from tests.factories import make_staff

    make_staff(world.other_centre, Role.CENTRE_ADMIN, user=world.admin)
    client.force_login(world.admin)
    response = client.get(reverse("portfolio:registration-start"))
    assert response.status_code == 200
    assert "Southbank College" in response.content.decode()


def test_first_step_lists_qualifications_then_the_form_shows_optional_units_by_group(client, world):
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    content = client.get(url).content.decode()
    assert "600/5469/4" in content and "603/4687/5" in content
    nvq = Qualification.objects.get(number="600/5469/4")
    content = client.get(url, {"qualification": nvq.pk}).content.decode()
    for group in ["Group A", "Group B", "Group C", "Group D"]:
        assert group in content
    assert "R/601/1209" in content
    mandatory = Unit.objects.get(reference="F/601/1609")
    assert "2 mandatory units, always on the plan" in content
    assert f'value="{mandatory.pk}" id="unit-' not in content  # mandatory units are not offered as choices
    assert "working towards, countersigned by" in content  # the trainee is labelled in the assessor list
    assert world.other_centre_assessor.email not in content


def test_checking_the_choice_shows_reasons_without_saving(client, world):
    nvq = Qualification.objects.get(number="600/5469/4")
    unit = Unit.objects.get(reference="R/601/1209")
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = client.post(url, {**form_data(world, nvq), "optional_units": [unit.pk], "check": "1"})
    content = response.content.decode()
    assert "cannot achieve the qualification yet" in content
    assert "Group B: choose at least 1 unit" in content
    assert f'value="{unit.pk}" id="unit-{unit.pk}" checked' in content
    assert not Registration.objects.filter(learner__email="nina@example.test").exists()


def test_checking_the_units_asks_for_nothing_else_yet(client, world):
    """Only the qualification and a few ticks: the check gives its verdict, with no complaint about the learner's
    name, email, dates or people still to be filled, and what was typed comes back."""
    nvq = Qualification.objects.get(number="600/5469/4")
    units = list(Unit.objects.filter(reference__in=NVQ_UNITS))
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = client.post(
        url, {"qualification": nvq.pk, "full_name": "Nina New", "optional_units": [u.pk for u in units], "check": "1"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This choice can achieve the qualification." in content
    assert 'id="error-summary"' not in content
    assert "This field is required" not in content
    assert "is-invalid" not in content
    assert 'value="Nina New"' in content
    for unit in units:
        assert f'value="{unit.pk}" id="unit-{unit.pk}" checked' in content
    assert not Registration.objects.filter(learner__full_name="Nina New").exists()


def test_checking_the_units_validates_the_units_and_pathway(client, world):
    """What the check needs is still validated: a unit that is not an optional unit is refused on the units, and a
    pathway still to be chosen is the verdict's to say, not a required-field error."""
    nvq = Qualification.objects.get(number="600/5469/4")
    mandatory = Unit.objects.get(reference="F/601/1609")
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    content = client.post(url, {"qualification": nvq.pk, "optional_units": [mandatory.pk], "check": "1"}).content
    content = content.decode()
    assert f"{mandatory.pk} is not an optional unit of this qualification." in content
    assert 'id="error-summary"' in content and "This field is required" not in content
    diploma = Qualification.objects.get(number="603/4687/5")
    content = client.post(url, {"qualification": diploma.pk, "check": "1"}).content.decode()
    assert "cannot achieve the qualification yet" in content
    assert "Choose the learner&#x27;s pathway" in content
    assert "This field is required" not in content


def test_live_unit_check_fragment(client, world):
    nvq = Qualification.objects.get(number="600/5469/4")
    units = Unit.objects.filter(reference__in=NVQ_UNITS)
    client.force_login(world.admin)
    url = reverse("portfolio:registration-check-units")
    content = client.get(url, {"qualification": nvq.pk, "optional_units": [u.pk for u in units]}).content.decode()
    assert "can achieve the qualification" in content
    content = client.get(url, {"qualification": nvq.pk}).content.decode()
    assert "choose at least 1 unit" in content


def test_registering_a_learner_on_the_nvq(client, world, django_capture_on_commit_callbacks):
    nvq = Qualification.objects.get(number="600/5469/4")
    units = Unit.objects.filter(reference__in=NVQ_UNITS)
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                **form_data(
                    world,
                    nvq,
                    uln="1234567899",
                    id_document_type="Passport",
                    id_checked_by=world.admin.pk,
                    id_checked_on=dt.date.today().isoformat(),
                ),
                "optional_units": [u.pk for u in units],
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    registration = Registration.objects.get(learner__email="nina@example.test")
    assert response.url == reverse("portfolio:registration-detail", args=[registration.pk])
    assert registration.plan.filter(chosen=True).count() == 4
    assert registration.uln == "1234567899"
    assert invitation_link(last_mail_to("nina@example.test"))
    page = client.get(response.url).content.decode()
    assert "Invitation sent" in page


def test_diploma_pathway_is_chosen_on_the_form(client, world):
    diploma = Qualification.objects.get(number="603/4687/5")
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = client.post(url, form_data(world, diploma))
    assert "This field is required" in response.content.decode() or "pathway" in response.content.decode()
    pathway = Pathway.objects.get(code="face-to-face")
    response = client.post(url, form_data(world, diploma, pathway=pathway.pk))
    assert response.status_code == 302
    assert Registration.objects.get(learner__email="nina@example.test").pathway == pathway


def test_another_centres_assessor_posted_into_the_form_is_refused(client, world):
    certificate = Qualification.objects.get(number="600/5472/4")
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = client.post(url, form_data(world, certificate, assessor=world.other_centre_assessor.pk))
    assert response.status_code == 200
    assert "Choose an assessor who works at Northgate Training" in response.content.decode()
    assert not Registration.objects.filter(learner__email="nina@example.test").exists()


def test_same_person_as_assessor_and_iqa_is_refused_on_the_form(client, world):
    from tests.factories import make_staff

    make_staff(world.centre, Role.IQA, user=world.assessor)
    certificate = Qualification.objects.get(number="600/5472/4")
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = client.post(url, form_data(world, certificate, iqa=world.assessor.pk))
    assert "The IQA must not be the learner&#x27;s assessor" in response.content.decode()


def test_underage_learner_is_refused_on_the_form_quoting_the_rule(client, world):
    certificate = Qualification.objects.get(number="600/5472/4")
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    dob = (dt.date.today() - dt.timedelta(days=13 * 365)).isoformat()
    response = client.post(url, form_data(world, certificate, date_of_birth=dob))
    assert "is for learners aged 14 and over" in response.content.decode()


def test_bad_uln_is_refused_on_the_form(client, world):
    certificate = Qualification.objects.get(number="600/5472/4")
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = client.post(url, form_data(world, certificate, uln="1234567890"))
    assert "check digit" in response.content.decode()
