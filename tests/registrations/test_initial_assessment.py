"""The initial assessment of a learner on a registration: English and maths levels, prior learning and experience,
notes; recorded or corrected by the learner's assessor or the centre admin, and kept in the registration's history."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import Event
from portfolio.models import InitialAssessment, Registration, SkillsLevel
from portfolio.services import NotAllowed
from portfolio.services.initial_assessment import InitialAssessmentError, record_initial_assessment

pytestmark = pytest.mark.django_db


def _form(**overrides):
    values = {
        "english_level": SkillsLevel.LEVEL_1,
        "maths_level": SkillsLevel.ENTRY_3,
        "prior_experience": "Two years on a supermarket till; GCSE English grade 4.",
        "notes": "Maths support booked on Tuesdays.",
        "assessed_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
    }
    values.update(overrides)
    return values


def test_the_assessor_records_the_initial_assessment_and_staff_see_it(client, world):
    url = reverse("portfolio:registration-initial-assessment", args=[world.registration.pk])
    detail = reverse("portfolio:registration-detail", args=[world.registration.pk])
    client.force_login(world.assessor)
    assert "Not recorded" in client.get(detail).content.decode()
    response = client.post(url, _form(), follow=True)
    content = response.content.decode()
    assert "The initial assessment is recorded." in content
    assert "English Level 1, maths Entry level 3" in content and "supermarket till" in content
    assessment = InitialAssessment.objects.get(registration=world.registration)
    assert assessment.assessed_by == world.assessor
    event = Event.objects.get(action="initial_assessment.recorded", registration_id=world.registration.pk)
    assert event.actor == world.assessor and event.data["maths_level"] == SkillsLevel.ENTRY_3

    client.force_login(world.iqa)
    assert "English Level 1, maths Entry level 3" in client.get(detail).content.decode()


def test_a_correction_keeps_the_earlier_values_in_the_history(client, world):
    client.force_login(world.admin)
    url = reverse("portfolio:registration-initial-assessment", args=[world.registration.pk])
    client.post(url, _form())
    assert '<option value="entry_3" selected>' in client.get(url).content.decode()  # the form shows what is recorded
    response = client.post(url, _form(maths_level=SkillsLevel.LEVEL_1))
    assert response.status_code == 302
    assert InitialAssessment.objects.get(registration=world.registration).maths_level == SkillsLevel.LEVEL_1
    event = Event.objects.get(action="initial_assessment.updated")
    assert event.data["changes"] == {"maths_level": {"from": "entry_3", "to": "level_1"}}
    response = client.post(url, _form(maths_level=SkillsLevel.LEVEL_1))
    assert "Nothing changed." in response.content.decode()


def test_bad_input_is_refused_with_a_message_and_stores_nothing(client, world):
    client.force_login(world.assessor)
    url = reverse("portfolio:registration-initial-assessment", args=[world.registration.pk])
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(url, _form(assessed_on=future))
    assert "cannot be dated in the future" in response.content.decode()
    response = client.post(url, _form(prior_experience="  "))
    assert response.status_code == 200
    with pytest.raises(InitialAssessmentError, match="prior learning"):
        record_initial_assessment(
            actor=world.assessor,
            registration=world.registration,
            english_level=SkillsLevel.LEVEL_1,
            maths_level=SkillsLevel.LEVEL_1,
            prior_experience=" ",
            notes="",
            assessed_on=timezone.localdate(),
        )
    assert not InitialAssessment.objects.exists()
    assert not Event.objects.filter(action__startswith="initial_assessment").exists()


def test_only_the_learners_assessor_or_the_centre_admin_records_it(client, world):
    values = dict(
        english_level=SkillsLevel.LEVEL_2,
        maths_level=SkillsLevel.LEVEL_2,
        prior_experience="None",
        notes="",
        assessed_on=timezone.localdate(),
    )
    for actor in (world.other_assessor, world.iqa, world.learner, world.other_admin):
        with pytest.raises(NotAllowed):
            record_initial_assessment(actor=actor, registration=world.registration, **values)
    url = reverse("portfolio:registration-initial-assessment", args=[world.registration.pk])
    for actor, status in (
        (world.iqa, 403),
        (world.learner, 403),
        (world.other_assessor, 404),
        (world.other_admin, 404),
    ):
        client.force_login(actor)
        assert client.post(url, _form()).status_code == status, actor
    assert not InitialAssessment.objects.exists()
    assert record_initial_assessment(actor=world.admin, registration=world.registration, **values).pk


def test_a_withdrawn_registration_takes_no_initial_assessment(world):
    Registration.objects.filter(pk=world.registration.pk).update(status=Registration.Status.WITHDRAWN)
    world.registration.refresh_from_db()
    with pytest.raises(InitialAssessmentError, match="no longer active"):
        record_initial_assessment(
            actor=world.admin,
            registration=world.registration,
            english_level=SkillsLevel.LEVEL_2,
            maths_level=SkillsLevel.LEVEL_2,
            prior_experience="None",
            notes="",
            assessed_on=timezone.localdate(),
        )
