"""Staff records at a centre: the assessing or IQA award held (or worked towards) and the CPD log with its
currency warning. Every change is in the audit history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import AssessorAward, CompetenceStatus, CpdEntry, Event, IqaAward, Membership, Role
from centres.services import (
    Credential,
    NotAllowed,
    StaffError,
    add_cpd_entry,
    add_staff_member,
    update_staff_credential,
)
from tests.factories import make_staff

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


def test_every_assessor_and_iqa_finds_their_cpd_log_in_the_navigation_once(client, world):
    """An IQA who does not also assess is offered their log too: the navigation's check "not already listed as an
    assessor" once failed silently for anyone without the assessor role, and hid the link."""
    cpd = reverse("centres:my-cpd", args=[world.centre.pk])
    make_staff(world.centre, Role.IQA, user=world.assessor)
    for person, links in ((world.assessor, 1), (world.iqa, 1), (world.learner, 0)):
        client.force_login(person)
        assert client.get(reverse("home")).content.decode().count(f'href="{cpd}"') == links, person
