"""After registration: moving to another assessor, changing the IQA, the identity check, withdrawal, completion."""

import datetime as dt

import pytest
from django.urls import reverse

from centres.models import Event, PersonalInterest, Role
from portfolio.models import CriterionDecision, Registration
from portfolio.services import NotAllowed
from portfolio.services.registration import (
    RegistrationError,
    change_iqa,
    complete_registration,
    move_to_assessor,
    withdraw_registration,
)
from qualifications.models import AssessmentCriterion
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def meet_every_criterion(registration, by):
    criteria = AssessmentCriterion.objects.filter(unit__in=registration.plan.values("unit_id")).for_pathway(
        registration.pathway
    )
    CriterionDecision.objects.bulk_create(
        [
            CriterionDecision(registration=registration, criterion=c, met_on=dt.date.today(), decided_by=by)
            for c in criteria
        ]
    )


def test_move_to_another_assessor_keeps_history(client, world):
    client.force_login(world.admin)
    url = reverse("portfolio:registration-move", args=[world.registration.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"assessor": world.other_assessor.pk, "reason": "Caseload balancing"})
    assert response.status_code == 302
    world.registration.refresh_from_db()
    assert world.registration.assessor == world.other_assessor
    event = Event.objects.get(action="registration.assessor_changed", registration_id=world.registration.pk)
    assert event.data["previous"] == world.assessor.email and event.data["reason"] == "Caseload balancing"
    detail = client.get(reverse("portfolio:registration-detail", args=[world.registration.pk])).content.decode()
    assert "Caseload balancing" in detail


def test_moving_to_another_centres_assessor_is_refused_with_a_message(client, world):
    client.force_login(world.admin)
    url = reverse("portfolio:registration-move", args=[world.registration.pk])
    response = client.post(url, {"assessor": world.other_centre_assessor.pk})
    assert response.status_code == 200
    assert "Choose an assessor who works at Northgate Training" in response.content.decode()
    world.registration.refresh_from_db()
    assert world.registration.assessor == world.assessor


def test_moving_to_someone_with_an_interest_is_refused(world):
    PersonalInterest.objects.create(centre=world.centre, staff=world.other_assessor, learner=world.learner)
    with pytest.raises(RegistrationError, match="personal interest"):
        move_to_assessor(actor=world.admin, registration=world.registration, assessor=world.other_assessor)


def test_moving_to_the_iqa_is_refused(world):
    make_staff(world.centre, Role.ASSESSOR, user=world.iqa)
    with pytest.raises(RegistrationError, match="IQA"):
        move_to_assessor(actor=world.admin, registration=world.registration, assessor=world.iqa)


def test_change_iqa(world):
    new_iqa = make_staff(world.centre, Role.IQA)
    change_iqa(actor=world.admin, registration=world.registration, iqa=new_iqa, reason="Sampling plan")
    world.registration.refresh_from_db()
    assert world.registration.iqa == new_iqa
    assert Event.objects.filter(action="registration.iqa_changed", registration_id=world.registration.pk).exists()
    make_staff(world.centre, Role.IQA, user=world.assessor)
    with pytest.raises(RegistrationError, match="must not be the learner's assessor"):
        change_iqa(actor=world.admin, registration=world.registration, iqa=world.assessor)


def test_record_identity_check(client, world):
    client.force_login(world.admin)
    url = reverse("portfolio:registration-identity", args=[world.registration.pk])
    response = client.post(
        url, {"id_document_type": "Passport", "id_checked_by": world.assessor.pk, "id_checked_on": "2026-01-05"}
    )
    assert response.status_code == 302
    world.registration.refresh_from_db()
    assert world.registration.id_checked_by == world.assessor
    assert Event.objects.filter(action="registration.identity_checked").exists()


def test_withdrawal_keeps_everything_and_needs_a_reason(client, world):
    client.force_login(world.admin)
    url = reverse("portfolio:registration-withdraw", args=[world.registration.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "Moved away"})
    assert response.status_code == 302
    registration = Registration.objects.get(pk=world.registration.pk)
    assert registration.status == Registration.Status.WITHDRAWN
    assert registration.status_reason == "Moved away" and registration.status_changed_at
    assert registration.plan.exists()
    assert Event.objects.filter(action="registration.withdrawn", registration_id=registration.pk).exists()
    with pytest.raises(RegistrationError, match="withdrawn"):
        move_to_assessor(actor=world.admin, registration=registration, assessor=world.other_assessor)
    # The learner can be registered on the same qualification again; the old record stays.
    detail = client.get(reverse("portfolio:registration-detail", args=[registration.pk]))
    assert "Withdrawn" in detail.content.decode()


def test_completion_needs_every_required_criterion_met(world):
    with pytest.raises(RegistrationError, match="not met yet"):
        complete_registration(actor=world.admin, registration=world.registration)
    meet_every_criterion(world.registration, world.assessor)
    registration = complete_registration(actor=world.admin, registration=world.registration, note="Certificate claimed")
    assert registration.status == Registration.Status.COMPLETED
    assert Event.objects.filter(action="registration.completed", registration_id=registration.pk).exists()


def test_complete_through_the_page(client, world):
    meet_every_criterion(world.registration, world.assessor)
    client.force_login(world.admin)
    response = client.post(reverse("portfolio:registration-complete", args=[world.registration.pk]), {"note": ""})
    assert response.status_code == 302
    world.registration.refresh_from_db()
    assert world.registration.status == Registration.Status.COMPLETED


@pytest.mark.parametrize("service", ["move", "withdraw", "complete"])
def test_lifecycle_services_refuse_non_admins(world, service):
    for actor in (world.assessor, world.iqa, world.other_admin, world.learner):
        with pytest.raises(NotAllowed, match="Only a centre admin"):
            if service == "move":
                move_to_assessor(actor=actor, registration=world.registration, assessor=world.other_assessor)
            elif service == "withdraw":
                withdraw_registration(actor=actor, registration=world.registration, reason="x")
            else:
                complete_registration(actor=actor, registration=world.registration)
