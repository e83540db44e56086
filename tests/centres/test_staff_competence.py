"""Staff competence as records: the assessing or IQA award held (or worked towards), occupational competence per
qualification and who verified it, the CPD log and its currency; assessors and IQAs are assigned only to
qualifications they are recorded competent for. Every change is in the audit history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import (
    AssessorAward,
    CompetenceStatus,
    CpdEntry,
    Event,
    IqaAward,
    Membership,
    OccupationalCompetence,
    Role,
)
from centres.services import (
    Credential,
    NotAllowed,
    StaffError,
    add_cpd_entry,
    add_staff_member,
    record_competence,
    update_staff_credential,
    verify_competence,
)
from portfolio.services.registration import RegistrationError, change_iqa, move_to_assessor, register_learner
from qualifications.models import Qualification
from tests.factories import CERTIFICATE, NVQ, make_registration, make_staff
from tests.registrations.conftest import make_input  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _add(world, credential, role=Role.ASSESSOR, email="new.staff@example.test"):
    return add_staff_member(
        actor=world.admin, centre=world.centre, email=email, full_name="Nadia New", role=role, credential=credential
    )


# --- The award ---------------------------------------------------------------------------------------------


def test_an_award_held_needs_its_certificate_number_and_date(world):
    with pytest.raises(StaffError, match="certificate number"):
        _add(world, Credential(award=AssessorAward.A1, awarded_on=dt.date(2020, 1, 1)))
    with pytest.raises(StaffError, match="date of the award"):
        _add(world, Credential(award=AssessorAward.A1, certificate_number="A1-1"))
    with pytest.raises(StaffError, match="cannot be in the future"):
        _add(
            world,
            Credential(award=AssessorAward.A1, certificate_number="A1-1", awarded_on=TODAY() + dt.timedelta(days=1)),
        )
    assert not Membership.objects.filter(user__email="new.staff@example.test").exists()

    membership = _add(
        world, Credential(award=AssessorAward.A1, certificate_number="A1-1", awarded_on=dt.date(2020, 1, 1))
    )
    assert membership.award_name == "A1 Assess Learner Performance Using a Range of Methods"
    event = Event.objects.get(action="membership.added", object_id=membership.pk)
    assert event.data["award"] == AssessorAward.A1 and event.data["certificate_number"] == "A1-1"
    assert event.data["awarded_on"] == "2020-01-01"


def test_working_towards_needs_the_date_registered_and_keeps_its_countersignatory(world):
    towards = Credential(
        status=CompetenceStatus.WORKING_TOWARDS, countersignatory=world.assessor, award=AssessorAward.L3_CAVA
    )
    with pytest.raises(StaffError, match="date they registered"):
        _add(world, towards)
    towards.registered_on = dt.date(2026, 1, 5)
    towards.certificate_number = "X-1"
    with pytest.raises(StaffError, match="no certificate yet"):
        _add(world, towards)
    towards.certificate_number = ""
    membership = _add(world, towards)
    # The status still decides countersigning, as before the award was recorded.
    assert membership.needs_countersignature
    assert membership.countersignatory == world.assessor and membership.registered_on == dt.date(2026, 1, 5)


def test_the_award_is_one_the_specifications_name_for_the_role(world):
    with pytest.raises(StaffError, match="specifications name"):
        _add(world, Credential(award="", certificate_number="1", awarded_on=dt.date(2020, 1, 1)))
    with pytest.raises(StaffError, match="specifications name"):
        _add(world, Credential(award=IqaAward.V1, certificate_number="1", awarded_on=dt.date(2020, 1, 1)))
    with pytest.raises(StaffError, match="full name of the other award"):
        _add(world, Credential(award=AssessorAward.OTHER, certificate_number="1", awarded_on=dt.date(2020, 1, 1)))
    membership = _add(
        world,
        Credential(award=IqaAward.D34, certificate_number="D34-9", awarded_on=dt.date(2001, 1, 1)),
        role=Role.IQA,
    )
    assert membership.get_award_display() == "D34"
    other = _add(
        world,
        Credential(
            award=AssessorAward.OTHER,
            award_title="TAQA Level 3 Certificate in Assessing Vocational Achievement",
            certificate_number="T-1",
            awarded_on=dt.date(2019, 1, 1),
        ),
        email="other.award@example.test",
    )
    assert other.award_name == "TAQA Level 3 Certificate in Assessing Vocational Achievement"


def test_the_award_choices_on_the_edit_page_are_those_of_the_role(client, world):
    client.force_login(world.admin)
    iqa = Membership.objects.get(user=world.iqa, role=Role.IQA)
    content = client.get(reverse("centres:membership-edit", args=[world.centre.pk, iqa.pk])).content.decode()
    assert (
        "Level 4 Certificate in Leading the Internal Quality Assurance of Assessment Processes and Practice" in content
    )
    assert "D32 Assess Learner Performance" not in content


def test_a_change_of_award_is_refused_without_its_details_and_stores_nothing(client, world):
    membership = Membership.objects.get(user=world.assessor, role=Role.ASSESSOR)
    before = (membership.award, membership.certificate_number, membership.awarded_on)
    client.force_login(world.admin)
    response = client.post(
        reverse("centres:membership-edit", args=[world.centre.pk, membership.pk]),
        {"status": CompetenceStatus.QUALIFIED, "award": AssessorAward.D32_D33, "certificate_number": ""},
    )
    assert response.status_code == 200
    assert "Give the certificate number of the award held." in response.content.decode()
    membership.refresh_from_db()
    assert (membership.award, membership.certificate_number, membership.awarded_on) == before
    assert not Event.objects.filter(action="membership.updated").exists()


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
    url = reverse("centres:competence-record", args=[world.centre.pk, membership.pk])
    response = client.post(url, {"qualification": nvq.pk, "sector_experience": "Retail", "evidence": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not OccupationalCompetence.objects.filter(user=world.other_assessor).exists()

    response = client.post(
        url, {"qualification": nvq.pk, "sector_experience": "Retail supervisor", "evidence": "CV"}, follow=True
    )
    content = response.content.decode()
    assert "competence for 600/5469/4 is recorded" in content and "Not verified" in content
    competence = OccupationalCompetence.objects.get(user=world.other_assessor)
    response = client.post(reverse("centres:competence-verify", args=[world.centre.pk, competence.pk]), follow=True)
    assert f"By {world.admin}" in response.content.decode()


def test_another_centres_competence_cannot_be_verified(client, world):
    theirs = OccupationalCompetence.objects.filter(user=world.other_centre_assessor).first()
    client.force_login(world.admin)
    for centre in (world.centre, world.other_centre):
        response = client.post(reverse("centres:competence-verify", args=[centre.pk, theirs.pk]))
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.verified_by is None


# --- Assignment only where competent -----------------------------------------------------------------------


def test_an_assessor_is_registered_only_for_a_qualification_they_are_competent_for(world, make_input):  # noqa: F811
    only_nvq = make_staff(world.centre, Role.ASSESSOR, competent_for=[NVQ])
    with pytest.raises(RegistrationError) as refused:
        register_learner(actor=world.admin, centre=world.centre, data=make_input(assessor=only_nvq))
    message = refused.value.errors["assessor"][0]
    assert message.startswith(f"{only_nvq} is not recorded as occupationally competent for {CERTIFICATE}")
    assert "record their competence on their staff page" in message

    registration = register_learner(
        actor=world.admin,
        centre=world.centre,
        data=make_input(
            assessor=only_nvq, qualification=NVQ, units=["R/601/1209", "A/601/1205", "M/601/1508", "A/601/1530"]
        ),
    )
    assert registration.assessor == only_nvq


def test_an_iqa_is_registered_only_for_a_qualification_they_are_competent_for(world, make_input):  # noqa: F811
    new_iqa = make_staff(world.centre, Role.IQA, competent_for=[])
    with pytest.raises(RegistrationError) as refused:
        register_learner(actor=world.admin, centre=world.centre, data=make_input(iqa=new_iqa))
    assert "not recorded as occupationally competent" in refused.value.errors["iqa"][0]
    record_competence(
        actor=world.admin,
        centre=world.centre,
        user=new_iqa,
        qualification=Qualification.objects.get(number=CERTIFICATE),
        sector_experience="Customer service manager",
        evidence="CV",
    )
    assert register_learner(actor=world.admin, centre=world.centre, data=make_input(iqa=new_iqa)).iqa == new_iqa


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


def test_competence_at_another_centre_does_not_count(world, make_input):  # noqa: F811
    # The assessor works at both centres, but only the other centre recorded their competence.
    person = make_staff(world.other_centre, Role.ASSESSOR)
    make_staff(world.centre, Role.ASSESSOR, user=person, competent_for=[])
    with pytest.raises(RegistrationError, match="not recorded as occupationally competent"):
        register_learner(actor=world.admin, centre=world.centre, data=make_input(assessor=person))


# --- CPD ---------------------------------------------------------------------------------------------------


def test_staff_add_their_own_cpd_and_it_is_audited(client, world):
    client.force_login(world.trainee)
    url = reverse("centres:my-cpd", args=[world.centre.pk])
    assert "No CPD recorded." in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "date": (TODAY() - dt.timedelta(days=3)).isoformat(),
            "activity": "Standardisation meeting",
            "hours": "2.5",
            "reflection": "Agreed what sufficient evidence looks like.",
        },
        follow=True,
    )
    content = response.content.decode()
    assert "Your CPD is recorded." in content and "Standardisation meeting" in content
    assert "No CPD recorded." not in content
    entry = CpdEntry.objects.get(user=world.trainee)
    assert entry.hours == Decimal("2.5") and entry.recorded_by == world.trainee
    event = Event.objects.get(action="cpd.added", object_id=entry.pk)
    assert event.actor == world.trainee and event.data["reflection"] == "Agreed what sufficient evidence looks like."


def test_cpd_in_the_future_or_without_hours_is_refused_and_stores_nothing(client, world):
    client.force_login(world.assessor)
    url = reverse("centres:my-cpd", args=[world.centre.pk])
    data = {"activity": "Webinar", "reflection": "Learnt things.", "hours": "1"}
    response = client.post(url, {**data, "date": (TODAY() + dt.timedelta(days=1)).isoformat()})
    assert "the date cannot be in the future" in response.content.decode()
    response = client.post(url, {**data, "date": TODAY().isoformat(), "hours": "0"})
    assert response.status_code == 200
    with pytest.raises(StaffError, match="hours"):
        add_cpd_entry(
            actor=world.assessor,
            centre=world.centre,
            user=world.assessor,
            date=TODAY(),
            activity="A",
            hours=Decimal("0"),
            reflection="R",
        )
    assert not CpdEntry.objects.exists()


def test_only_the_person_or_their_centre_admin_adds_to_a_cpd_log(client, world):
    values = dict(date=TODAY(), activity="Webinar", hours=Decimal("1"), reflection="Learnt.")
    with pytest.raises(NotAllowed):
        add_cpd_entry(actor=world.iqa, centre=world.centre, user=world.assessor, **values)
    with pytest.raises(NotAllowed):
        add_cpd_entry(actor=world.other_admin, centre=world.centre, user=world.assessor, **values)
    with pytest.raises(NotAllowed):
        add_cpd_entry(actor=world.assessor, centre=world.other_centre, user=world.assessor, **values)
    assert not CpdEntry.objects.exists()
    client.force_login(world.admin)
    membership = Membership.objects.get(user=world.assessor, role=Role.ASSESSOR)
    response = client.post(
        reverse("centres:membership-cpd-add", args=[world.centre.pk, membership.pk]),
        {"date": TODAY().isoformat(), "activity": "Webinar", "hours": "1", "reflection": "Learnt."},
    )
    assert response.status_code == 302
    assert CpdEntry.objects.get(user=world.assessor).recorded_by == world.admin


def _cpd(world, user, days_ago):
    return CpdEntry.objects.create(
        centre=world.centre,
        user=user,
        date=TODAY() - dt.timedelta(days=days_ago),
        activity=f"Activity {days_ago} days ago",
        hours=Decimal("1"),
        reflection="Learnt.",
    )


def test_cpd_older_than_the_centres_currency_period_is_a_warning_on_the_staff_list(client, world):
    _cpd(world, world.assessor, days_ago=30)
    _cpd(world, world.iqa, days_ago=400)
    client.force_login(world.admin)
    url = reverse("centres:staff-list", args=[world.centre.pk])
    rows = {
        user: row
        for row in client.get(url).content.decode().split("<tr>")[1:]
        for user in (world.assessor, world.iqa, world.other_assessor)
        if user.email in row
    }
    assert "CPD not current" not in rows[world.assessor]
    assert "CPD not current" in rows[world.iqa] and "older than the centre&#x27;s 12 months" in rows[world.iqa]
    assert "No CPD recorded." in rows[world.other_assessor]

    # A centre with a longer currency period accepts the same CPD.
    world.centre.cpd_currency_months = 24
    world.centre.save()
    content = client.get(url).content.decode()
    iqa_row = next(row for row in content.split("<tr>") if world.iqa.email in row)
    assert "CPD not current" not in iqa_row


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


def test_updating_the_award_through_the_service_keeps_the_countersigning_rule(world):
    membership = Membership.objects.get(user=world.trainee, role=Role.ASSESSOR)
    with pytest.raises(StaffError, match="countersign"):
        update_staff_credential(
            actor=world.admin,
            membership=membership,
            credential=Credential(
                status=CompetenceStatus.WORKING_TOWARDS, award=AssessorAward.L3_CAVA, registered_on=TODAY()
            ),
        )
    membership.refresh_from_db()
    assert membership.countersignatory == world.assessor
