"""register_learner and the rules it enforces."""

import datetime as dt

import pytest
from django.core import mail

from centres.models import Event, Invitation, PersonalInterest, Role
from portfolio.models import Registration, RegistrationUnit
from portfolio.services import NotAllowed
from portfolio.services.registration import RegistrationError, register_learner
from tests.centres.helpers import invitation_link, last_mail_to
from tests.factories import make_staff

from .conftest import NVQ_UNITS

pytestmark = pytest.mark.django_db


def register(world, data, actor=None):
    return register_learner(actor=actor or world.admin, centre=world.centre, data=data)


def errors_of(world, data) -> dict:
    with pytest.raises(RegistrationError) as caught:
        register(world, data)
    return caught.value.errors


def test_new_learner_is_registered_with_plan_event_and_invitation(
    world, make_input, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(world, make_input(qualification="600/5469/4", units=NVQ_UNITS, uln="1234567899"))
    assert registration.learner.email == "new.learner@example.test"
    assert registration.created_by == world.admin
    plan = {entry.unit.reference: entry.chosen for entry in RegistrationUnit.objects.filter(registration=registration)}
    assert plan == {"F/601/1609": False, "L/601/1614": False, **{reference: True for reference in NVQ_UNITS}}
    event = Event.objects.get(action="registration.created", registration_id=registration.pk)
    assert event.actor == world.admin and event.centre == world.centre
    assert sorted(event.data["chosen_units"]) == sorted(NVQ_UNITS)
    assert invitation_link(last_mail_to("new.learner@example.test"))
    assert Invitation.objects.get(user=registration.learner).kind == Invitation.Kind.LEARNER


def test_a_learner_may_hold_several_registrations_and_is_invited_once(
    world, make_input, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = register(world, make_input())
        # Both are level 2 customer service qualifications: the similar-title warning is acknowledged.
        second = register(
            world,
            make_input(qualification="603/5681/9", acknowledged_warnings=frozenset({f"registration-{first.pk}"})),
        )
    assert first.learner == second.learner
    assert len([m for m in mail.outbox if "new.learner@example.test" in m.to]) == 1


def test_an_existing_learner_with_a_password_is_not_invited(world, make_input, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(
            world,
            make_input(
                email=world.learner.email,
                qualification="603/5681/9",
                acknowledged_warnings=frozenset({f"registration-{world.registration.pk}"}),
            ),
        )
    assert mail.outbox == []


def test_the_same_qualification_twice_is_refused(world, make_input):
    errors = errors_of(world, make_input(email=world.learner.email))
    assert "already registered" in errors["email"][0]


def test_below_minimum_age_is_refused_quoting_the_rule(world, make_input):
    start = dt.date(2026, 9, 1)
    data = make_input(
        qualification="600/5469/4",
        units=NVQ_UNITS,
        date_of_birth=dt.date(2010, 9, 2),
        start_date=start,
        planned_end_date=start + dt.timedelta(days=300),
    )
    message = errors_of(world, data)["date_of_birth"][0]
    assert "aged 16 and over" in message
    assert "600/5469/4" in message
    assert "is 15 on the start date" in message
    assert not Registration.objects.filter(learner__email="new.learner@example.test").exists()


def test_exactly_the_minimum_age_on_the_start_date_is_allowed(world, make_input):
    start = dt.date(2026, 9, 1)
    data = make_input(date_of_birth=dt.date(2012, 9, 1), start_date=start, planned_end_date=start + dt.timedelta(1))
    assert register(world, data).pk


def test_invalid_uln_is_refused(world, make_input):
    assert "check digit" in errors_of(world, make_input(uln="1234567890"))["uln"][0]


def test_uln_of_another_learner_is_refused(world, make_input):
    Registration.objects.filter(pk=world.registration.pk).update(uln="1234567899")
    assert "another learner" in errors_of(world, make_input(uln="1234567899"))["uln"][0]


def test_iqa_must_not_be_the_assessor(world, make_input):
    both = make_staff(world.centre, Role.IQA, user=world.assessor)
    errors = errors_of(world, make_input(iqa=both))
    assert "must not be the learner's assessor" in errors["iqa"][0]


def test_staff_of_another_centre_are_refused(world, make_input):
    errors = errors_of(world, make_input(assessor=world.other_centre_assessor))
    assert "not an active assessor at Northgate Training" in errors["assessor"][0]


def test_an_iqa_cannot_be_chosen_as_assessor(world, make_input):
    errors = errors_of(world, make_input(assessor=world.iqa, iqa=world.iqa))
    assert "not an active assessor" in errors["assessor"][0]


def test_a_declared_personal_interest_blocks_the_pairing(world, make_input):
    PersonalInterest.objects.create(centre=world.centre, staff=world.assessor, learner=world.other_learner)
    errors = errors_of(world, make_input(email=world.other_learner.email, qualification="603/5681/9"))
    assert "declared a personal interest" in errors["assessor"][0]


def test_rules_of_combination_are_checked_with_reasons(world, make_input):
    errors = errors_of(world, make_input(qualification="600/5469/4", units=["R/601/1209"]))
    reasons = " ".join(errors["optional_units"])
    assert "Group B: choose at least 1 unit" in reasons
    assert "at least 20 are needed" in reasons


def test_pathway_is_required_where_the_qualification_has_alternatives(world, make_input):
    errors = errors_of(world, make_input(qualification="603/4687/5"))
    assert "pathway" in errors["pathway"][0]
    assert "optional_units" not in errors
    registration = register(world, make_input(qualification="603/4687/5", pathway="non-facing"))
    assert registration.pathway.code == "non-facing"


def test_pathway_of_another_qualification_is_refused(world, make_input):
    errors = errors_of(world, make_input(pathway="face-to-face"))
    assert "not a pathway" in errors["pathway"][0]


def test_end_date_must_follow_start_date(world, make_input):
    today = dt.date.today()
    errors = errors_of(world, make_input(start_date=today, planned_end_date=today))
    assert "after the start date" in errors["planned_end_date"][0]


def test_identity_check_is_all_or_nothing(world, make_input):
    errors = errors_of(world, make_input(id_document_type="Passport"))
    assert "in full" in errors["id_document_type"][0]
    registration = register(
        world, make_input(id_document_type="Passport", id_checked_by=world.admin, id_checked_on=dt.date.today())
    )
    assert registration.id_checked_by == world.admin


def test_identity_check_by_someone_outside_the_centre_is_refused(world, make_input):
    data = make_input(id_document_type="Passport", id_checked_by=world.other_admin, id_checked_on=dt.date.today())
    assert "member of staff at Northgate" in errors_of(world, data)["id_checked_by"][0]


@pytest.mark.parametrize("who", ["assessor", "iqa", "other_admin", "learner"])
def test_only_the_centres_admin_registers(world, make_input, who):
    with pytest.raises(NotAllowed, match="Only a centre admin"):
        register(world, make_input(), actor=getattr(world, who))
    assert not Registration.objects.filter(learner__email="new.learner@example.test").exists()


def test_nothing_is_half_saved_when_the_invitation_fails(world, make_input, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("mail system down")

    monkeypatch.setattr("portfolio.services.registration.create.invite_user", boom)
    with pytest.raises(RuntimeError):
        register(world, make_input())
    assert not Registration.objects.filter(learner__email="new.learner@example.test").exists()
