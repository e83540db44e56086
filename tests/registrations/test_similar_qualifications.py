"""Registration warns when the learner already holds or is registered on a qualification at the same level with a
similar title, as NCFE asks; the centre admin may acknowledge the warning and register all the same, and the
registration's history records that the warning was shown and acknowledged."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from centres.models import Event
from portfolio.models import Registration
from portfolio.services.registration import (
    SIMILAR_QUALIFICATION_ADVICE,
    WarningsToAcknowledge,
    parse_registration_csv,
    register_from_csv,
    register_learner,
)
from qualifications.models import AwardingBody, Qualification
from qualifications.services.similarity import key_phrases, similar_titles
from tests.factories import make_registration

from .helpers import csv_text, form_data, row, upload

pytestmark = pytest.mark.django_db

NCFE = "603/5681/9"  # Level 2 Diploma for Customer Service Practitioners
CERTIFICATE = "600/5472/4"  # Highfield Level 2 Certificate in Customer Service, every factory registration's
L1_DIPLOMA = "603/4354/0"  # Highfield Level 1 Diploma in Work-Related Studies for the Customer Service Sector
L1_AWARD = "603/4351/5"

SEEDS = Path(__file__).resolve().parents[1] / "qualifications" / "seeds"


def qualification(number: str) -> Qualification:
    return Qualification.objects.select_related("awarding_body").get(number=number)


# --- what "similar title" means ---------------------------------------------------------------------------


def test_key_phrases_leave_out_the_awarding_body_level_size_and_linking_words():
    assert key_phrases(qualification(CERTIFICATE)) == {"customer service"}
    assert key_phrases(qualification(NCFE)) == {"customer service", "service practitioners"}
    assert key_phrases(qualification("603/4687/5")) == {"customer service", "service skills"}
    assert "work-related studies" in key_phrases(qualification(L1_AWARD))


def test_same_level_and_a_shared_key_phrase_is_similar():
    assert similar_titles(qualification(NCFE), qualification(CERTIFICATE))
    assert similar_titles(qualification(NCFE), qualification("600/5469/4"))  # the NVQ Certificate
    assert similar_titles(qualification(L1_AWARD), qualification(L1_DIPLOMA))
    assert similar_titles(qualification(NCFE), qualification(NCFE))


def test_another_level_or_an_unrelated_title_is_not_similar():
    assert not similar_titles(qualification(L1_DIPLOMA), qualification(CERTIFICATE))  # level 1 against level 2
    highfield = AwardingBody.objects.get(code="highfield")
    food = Qualification(title="Highfield Level 2 Award in Food Safety in Catering (RQF)", level=2, number="X/1")
    food.awarding_body = highfield
    assert key_phrases(food) == {"food safety"}
    assert not similar_titles(food, qualification(CERTIFICATE))


def test_the_warning_quotes_ncfe_word_for_word():
    seed = " ".join(next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8").split())
    assert SIMILAR_QUALIFICATION_ADVICE in seed


# --- the service: warned, acknowledged, recorded ----------------------------------------------------------


def test_a_similar_registration_warns_and_stores_nothing(world, make_input):
    before = Registration.objects.count()
    with pytest.raises(WarningsToAcknowledge) as caught:
        register_learner(
            actor=world.admin, centre=world.centre, data=make_input(email=world.learner.email, qualification=NCFE)
        )
    [warning] = caught.value.warnings
    assert warning.key == f"registration-{world.registration.pk}"
    assert warning.message == (
        "The learner is already registered on Highfield Level 2 Certificate in Customer Service (RQF) "
        "(600/5472/4), also at level 2 with a similar title."
    )
    assert Registration.objects.count() == before
    assert not Event.objects.filter(action="registration.warning_acknowledged").exists()


def test_acknowledged_the_learner_is_registered_and_the_history_says_so(world, make_input):
    data = make_input(
        email=world.learner.email,
        qualification=NCFE,
        acknowledged_warnings=frozenset({f"registration-{world.registration.pk}"}),
    )
    registration = register_learner(actor=world.admin, centre=world.centre, data=data)
    event = Event.objects.get(action="registration.warning_acknowledged", registration_id=registration.pk)
    assert event.actor == world.admin
    assert event.data["similar_qualification"] == CERTIFICATE
    assert event.data["advice"] == SIMILAR_QUALIFICATION_ADVICE
    assert "shown and acknowledged" in event.summary


def test_acknowledging_another_warning_does_not_acknowledge_this_one(world, make_input):
    data = make_input(
        email=world.learner.email, qualification=NCFE, acknowledged_warnings=frozenset({"registration-0"})
    )
    with pytest.raises(WarningsToAcknowledge):
        register_learner(actor=world.admin, centre=world.centre, data=data)


def test_a_completed_qualification_is_one_the_learner_holds(world, make_input):
    Registration.objects.filter(pk=world.registration.pk).update(status=Registration.Status.COMPLETED)
    with pytest.raises(WarningsToAcknowledge) as caught:
        register_learner(
            actor=world.admin, centre=world.centre, data=make_input(email=world.learner.email, qualification=NCFE)
        )
    assert caught.value.warnings[0].message.startswith("The learner already holds Highfield Level 2 Certificate")


def test_no_warning_for_another_level_a_withdrawn_registration_or_another_centre(world, make_input):
    # Another level: the level 1 Diploma beside the learner's level 2 Certificate.
    register_learner(
        actor=world.admin, centre=world.centre, data=make_input(email=world.learner.email, qualification=L1_DIPLOMA)
    )
    # A withdrawn registration is not one the learner holds or is on.
    Registration.objects.filter(pk=world.other_registration.pk).update(status=Registration.Status.WITHDRAWN)
    register_learner(
        actor=world.admin, centre=world.centre, data=make_input(email=world.other_learner.email, qualification=NCFE)
    )
    # Another centre's registrations are that centre's own: not read here.
    other = world.other_centre_registration.learner
    register_learner(actor=world.admin, centre=world.centre, data=make_input(email=other.email, qualification=NCFE))
    assert not Event.objects.filter(action="registration.warning_acknowledged").exists()


# --- the registration form --------------------------------------------------------------------------------


def test_the_form_shows_the_warning_then_registers_once_acknowledged(client, world):
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    data = form_data(world, qualification(NCFE), email=world.learner.email)
    response = client.post(url, data)
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "already registered on Highfield Level 2 Certificate in Customer Service (RQF) (600/5472/4)" in page
    assert SIMILAR_QUALIFICATION_ADVICE in page
    assert "Nothing is saved yet" in page
    assert not Registration.objects.filter(learner=world.learner, qualification__number=NCFE).exists()
    shown = re.findall(r'name="warnings_shown" value="([^"]+)"', page)
    assert shown == [f"registration-{world.registration.pk}"]

    # Ticking the box without the warnings the page showed acknowledges nothing.
    response = client.post(url, {**data, "acknowledge_warnings": "on"})
    assert response.status_code == 200
    assert not Registration.objects.filter(learner=world.learner, qualification__number=NCFE).exists()

    response = client.post(url, {**data, "acknowledge_warnings": "on", "warnings_shown": shown})
    assert response.status_code == 302
    registration = Registration.objects.get(learner=world.learner, qualification__number=NCFE)
    history = client.get(reverse("portfolio:registration-detail", args=[registration.pk])).content.decode()
    assert "Warning shown and acknowledged" in history


def test_the_form_registers_an_unrelated_qualification_without_a_warning(client, world):
    client.force_login(world.admin)
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = client.post(url, form_data(world, qualification(L1_DIPLOMA), email=world.learner.email))
    assert response.status_code == 302
    assert not Event.objects.filter(action="registration.warning_acknowledged").exists()


# --- the CSV import ---------------------------------------------------------------------------------------


def test_csv_rows_report_the_warning_and_confirming_needs_it_acknowledged(client, world):
    rows = [
        row(world, email=world.learner.email, full_name=world.learner.full_name, qualification=NCFE),
        row(world, email="bulk1@example.test", qualification=CERTIFICATE),
        row(world, email="bulk1@example.test", qualification=NCFE),
        row(world, email="bulk2@example.test", full_name="Bulk Two", qualification=L1_DIPLOMA),
    ]
    text = csv_text(rows)
    preview = parse_registration_csv(centre=world.centre, text=text)
    assert preview.is_valid
    warnings = [[warning.message for warning in csv_row.warnings] for csv_row in preview.rows]
    assert warnings[0] == [
        "The learner is already registered on Highfield Level 2 Certificate in Customer Service (RQF) "
        "(600/5472/4), also at level 2 with a similar title."
    ]
    assert warnings[1] == []
    assert warnings[2] == [
        "Row 3 of this file registers the learner on Highfield Level 2 Certificate in Customer Service (RQF) "
        "(600/5472/4), also at level 2 with a similar title."
    ]
    assert warnings[3] == []

    client.force_login(world.admin)
    page = " ".join(upload(client, world, text).content.decode().split())
    assert "Warning</strong> (row 2): The learner is already registered on" in page
    assert SIMILAR_QUALIFICATION_ADVICE in page
    confirm = reverse("portfolio:registration-bulk-confirm", args=[world.centre.pk])
    response = client.post(confirm)
    assert response.status_code == 200
    assert "warning(s) about similar qualifications" in response.content.decode()
    assert not Registration.objects.filter(learner__email="bulk1@example.test").exists()

    response = client.post(confirm, {"acknowledge_warnings": "on"})
    assert response.status_code == 302
    acknowledged = Event.objects.filter(action="registration.warning_acknowledged")
    assert sorted(event.data["similar_qualification"] for event in acknowledged) == [CERTIFICATE, CERTIFICATE]


def test_register_from_csv_refuses_unacknowledged_warnings(world):
    text = csv_text([row(world, email=world.learner.email, full_name=world.learner.full_name, qualification=NCFE)])
    with pytest.raises(Exception, match="warning"):
        register_from_csv(actor=world.admin, centre=world.centre, text=text)
    assert not Registration.objects.filter(learner=world.learner, qualification__number=NCFE).exists()
    [registration] = register_from_csv(actor=world.admin, centre=world.centre, text=text, acknowledge_warnings=True)
    assert Event.objects.filter(action="registration.warning_acknowledged", registration_id=registration.pk).exists()


def test_a_learner_registered_at_the_same_level_on_an_l1_award_is_warned_for_the_l1_diploma(world, make_input):
    learner = make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification=L1_AWARD, optional_units=[]
    ).learner
    with pytest.raises(WarningsToAcknowledge):
        register_learner(
            actor=world.admin, centre=world.centre, data=make_input(email=learner.email, qualification=L1_DIPLOMA)
        )
