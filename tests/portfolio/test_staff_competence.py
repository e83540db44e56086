"""Occupational competence per qualification: recorded and verified by the centre admin, seen by the EQA; assessors
and IQAs are assigned only to qualifications they are recorded competent for. Every change is in the audit history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import CpdEntry, Event, Membership, Role
from centres.services import NotAllowed, StaffError
from portfolio.models import OccupationalCompetence
from portfolio.services.registration import (
    RegistrationError,
    RegistrationInput,
    change_iqa,
    move_to_assessor,
    register_learner,
)
from portfolio.services.staff import record_competence, verify_competence
from qualifications.models import Qualification, Unit
from tests.factories import CERTIFICATE, NVQ, make_registration, make_staff

pytestmark = pytest.mark.django_db


def _input(world, *, qualification=CERTIFICATE, units=(), **overrides) -> RegistrationInput:
    """A new learner's registration at Northgate, with the world's assessor and IQA unless told otherwise."""
    values = dict(
        email="new.learner@example.test",
        full_name="Nina New",
        date_of_birth=dt.date(2000, 5, 17),
        qualification=Qualification.objects.get(number=qualification),
        start_date=timezone.localdate(),
        planned_end_date=timezone.localdate() + dt.timedelta(days=365),
        assessor=world.assessor,
        iqa=world.iqa,
        optional_units=list(Unit.objects.filter(reference__in=units)),
    )
    return RegistrationInput(**{**values, **overrides})


TODAY = timezone.localdate


# --- Occupational competence -------------------------------------------------------------------------------


def test_recording_competence_is_audited_and_a_correction_needs_verifying_again(world):
    nvq = Qualification.objects.get(number=NVQ)
    OccupationalCompetence.objects.filter(user=world.other_assessor).delete()
    competence = record_competence(
        actor=world.admin,
        centre=world.centre,
        user=world.other_assessor,
        qualification=nvq,
        sector_experience="Ten years in retail",
        evidence="CV seen",
    )
    assert Event.objects.get(action="competence.recorded", object_id=competence.pk).data["qualification"] == NVQ
    verify_competence(actor=world.admin, competence=competence)
    competence.refresh_from_db()
    assert competence.verified_by == world.admin and competence.verified_on == TODAY()
    assert Event.objects.filter(action="competence.verified", object_id=competence.pk).exists()

    record_competence(
        actor=world.admin,
        centre=world.centre,
        user=world.other_assessor,
        qualification=nvq,
        sector_experience="Ten years in retail, three as a team leader",
        evidence="CV seen",
    )
    competence.refresh_from_db()
    assert competence.verified_by is None and competence.sector_experience.endswith("team leader")
    changes = Event.objects.get(action="competence.updated", object_id=competence.pk).data["changes"]
    assert changes["verified_by"] == {"from": world.admin.email, "to": None}
    assert changes["sector_experience"]["from"] == "Ten years in retail"


def test_competence_needs_experience_and_evidence_and_is_recorded_by_the_centre_admin(world):
    nvq = Qualification.objects.get(number=NVQ)
    OccupationalCompetence.objects.filter(user=world.other_assessor).delete()
    values = dict(centre=world.centre, user=world.other_assessor, qualification=nvq)
    with pytest.raises(StaffError, match="experience in the sector"):
        record_competence(actor=world.admin, sector_experience=" ", evidence="CV", **values)
    with pytest.raises(StaffError, match="evidence"):
        record_competence(actor=world.admin, sector_experience="Retail", evidence="", **values)
    with pytest.raises(NotAllowed):
        record_competence(actor=world.assessor, sector_experience="Retail", evidence="CV", **values)
    with pytest.raises(NotAllowed):
        record_competence(actor=world.other_admin, sector_experience="Retail", evidence="CV", **values)
    with pytest.raises(StaffError, match="not an assessor or IQA"):
        record_competence(
            actor=world.admin,
            centre=world.centre,
            user=world.learner,
            qualification=nvq,
            sector_experience="R",
            evidence="CV",
        )
    assert not OccupationalCompetence.objects.filter(user=world.other_assessor).exists()


def test_nobody_verifies_their_own_competence(world):
    admin_and_iqa = world.admin
    make_staff(world.centre, Role.IQA, user=admin_and_iqa)
    competence = OccupationalCompetence.objects.filter(user=admin_and_iqa).first()
    with pytest.raises(StaffError, match="Nobody verifies their own"):
        verify_competence(actor=admin_and_iqa, competence=competence)
    competence.refresh_from_db()
    assert competence.verified_by is None


def test_the_centre_admin_records_and_verifies_competence_on_the_staff_page(client, world):
    OccupationalCompetence.objects.filter(user=world.other_assessor).delete()
    membership = Membership.objects.get(user=world.other_assessor, role=Role.ASSESSOR)
    nvq = Qualification.objects.get(number=NVQ)
    client.force_login(world.admin)
    url = reverse("portfolio:staff-competence", args=[world.centre.pk, membership.pk])
    response = client.post(url, {"qualification": nvq.pk, "sector_experience": "Retail", "evidence": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not OccupationalCompetence.objects.filter(user=world.other_assessor).exists()

    response = client.post(
        url, {"qualification": nvq.pk, "sector_experience": "Retail supervisor", "evidence": "CV"}, follow=True
    )
    content = response.content.decode()
    assert "competence for 600/5469/4 is recorded" in content and "Not verified" in content
    competence = OccupationalCompetence.objects.get(user=world.other_assessor)
    response = client.post(reverse("portfolio:competence-verify", args=[world.centre.pk, competence.pk]), follow=True)
    assert f"By {world.admin}" in response.content.decode()


def test_another_centres_competence_cannot_be_verified(client, world):
    theirs = OccupationalCompetence.objects.filter(user=world.other_centre_assessor).first()
    client.force_login(world.admin)
    for centre in (world.centre, world.other_centre):
        response = client.post(reverse("portfolio:competence-verify", args=[centre.pk, theirs.pk]))
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.verified_by is None


# --- Assignment only where competent -----------------------------------------------------------------------


def test_an_assessor_is_registered_only_for_a_qualification_they_are_competent_for(world):
    only_nvq = make_staff(world.centre, Role.ASSESSOR, competent_for=[NVQ])
    with pytest.raises(RegistrationError) as refused:
        register_learner(actor=world.admin, centre=world.centre, data=_input(world, assessor=only_nvq))
    message = refused.value.errors["assessor"][0]
    assert message.startswith(f"{only_nvq} is not recorded as occupationally competent for {CERTIFICATE}")
    assert "record their competence on their staff page" in message

    registration = register_learner(
        actor=world.admin,
        centre=world.centre,
        data=_input(
            world, assessor=only_nvq, qualification=NVQ, units=["R/601/1209", "A/601/1205", "M/601/1508", "A/601/1530"]
        ),
    )
    assert registration.assessor == only_nvq


def test_an_iqa_is_registered_only_for_a_qualification_they_are_competent_for(world):
    new_iqa = make_staff(world.centre, Role.IQA, competent_for=[])
    with pytest.raises(RegistrationError) as refused:
        register_learner(actor=world.admin, centre=world.centre, data=_input(world, iqa=new_iqa))
    assert "not recorded as occupationally competent" in refused.value.errors["iqa"][0]
    record_competence(
        actor=world.admin,
        centre=world.centre,
        user=new_iqa,
        qualification=Qualification.objects.get(number=CERTIFICATE),
        sector_experience="Customer service manager",
        evidence="CV",
    )
    assert register_learner(actor=world.admin, centre=world.centre, data=_input(world, iqa=new_iqa)).iqa == new_iqa


def test_moving_a_learner_needs_competence_for_their_qualification(client, world):
    OccupationalCompetence.objects.filter(user=world.other_assessor, qualification__number=CERTIFICATE).delete()
    client.force_login(world.admin)
    url = reverse("portfolio:registration-move", args=[world.registration.pk])
    response = client.post(url, {"assessor": world.other_assessor.pk, "reason": "Caseload"})
    assert response.status_code == 200
    assert "not recorded as occupationally competent for 600/5472/4" in response.content.decode()
    world.registration.refresh_from_db()
    assert world.registration.assessor == world.assessor

    record_competence(
        actor=world.admin,
        centre=world.centre,
        user=world.other_assessor,
        qualification=world.registration.qualification,
        sector_experience="Retail",
        evidence="CV",
    )
    move_to_assessor(actor=world.admin, registration=world.registration, assessor=world.other_assessor)
    world.registration.refresh_from_db()
    assert world.registration.assessor == world.other_assessor


def test_changing_the_iqa_needs_competence_for_the_qualification(world):
    new_iqa = make_staff(world.centre, Role.IQA, competent_for=[NVQ])
    with pytest.raises(RegistrationError, match="not recorded as occupationally competent"):
        change_iqa(actor=world.admin, registration=world.registration, iqa=new_iqa)
    nvq_registration = make_registration(world.centre, assessor=world.assessor, iqa=world.iqa, qualification=NVQ)
    assert change_iqa(actor=world.admin, registration=nvq_registration, iqa=new_iqa).iqa == new_iqa


def test_competence_at_another_centre_does_not_count(world):
    # The assessor works at both centres, but only the other centre recorded their competence.
    person = make_staff(world.other_centre, Role.ASSESSOR)
    make_staff(world.centre, Role.ASSESSOR, user=person, competent_for=[])
    with pytest.raises(RegistrationError, match="not recorded as occupationally competent"):
        register_learner(actor=world.admin, centre=world.centre, data=_input(world, assessor=person))


def _cpd(world, user, days_ago):
    return CpdEntry.objects.create(
        centre=world.centre,
        user=user,
        date=TODAY() - dt.timedelta(days=days_ago),
        activity=f"Activity {days_ago} days ago",
        hours=Decimal("1"),
        reflection="Learnt.",
    )


def test_the_eqa_sees_awards_competence_and_cpd_warnings_of_the_shared_learners_staff(client, world):
    from portfolio.models import EqaShare, EqaShareItem

    share = EqaShare.objects.create(
        centre=world.centre,
        eqa=world.eqa,
        created_by=world.admin,
        starts_on=TODAY(),
        ends_on=TODAY() + dt.timedelta(days=30),
    )
    EqaShareItem.objects.create(share=share, registration=world.registration)
    _cpd(world, world.assessor, days_ago=500)
    _cpd(world, world.iqa, days_ago=10)
    competence = OccupationalCompetence.objects.get(user=world.assessor, qualification__number=CERTIFICATE)
    verify_competence(actor=world.admin, competence=competence)
    client.force_login(world.eqa)
    content = client.get(reverse("quality:eqa-staff", args=[world.centre.pk])).content.decode()
    assessor_row = next(row for row in content.split("<tr>") if str(world.assessor) in row)
    iqa_row = next(row for row in content.split("<tr>") if str(world.iqa) in row)
    assert "Level 3 Certificate in Assessing Vocational Achievement" in assessor_row
    assert f"Verified by {world.admin}" in assessor_row and "600/5472/4" in assessor_row
    assert "CPD not current" in assessor_row
    assert "CPD not current" not in iqa_row and "Not verified." in iqa_row
    # Only the shared learner's qualification: not every qualification the assessor is competent for.
    assert NVQ not in assessor_row
