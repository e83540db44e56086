"""Carrying a signed-off unit into another registration of the same learner (Highfield's Level 1 Award and Diploma
share their units): who may, which units, what the new registration then shows, and what happens when the source
unit is reopened or the carry withdrawn."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import Event
from portfolio.models import Registration, RegistrationUnit
from portfolio.progress import registration_progress, unit_status
from portfolio.progress.carried import not_carried, with_carried_marker
from qualifications.models import Unit
from quality.services.certification import certification_status
from quality.services.readiness import may_be_ready
from tests.factories import client_for, make_registration
from tracking.models import CarriedOverUnit, SignatureRole
from tracking.services.carry import (
    CarryError,
    CarryNotAllowed,
    carry_candidates,
    carry_over_unit,
    withdraw_carried_unit,
)
from tracking.services.signoff import SignOffError, reopen_unit, sign_unit

from .helpers import complete_unit

pytestmark = pytest.mark.django_db

AWARD = "603/4351/5"  # Level 1 Award: every unit optional
DIPLOMA = "603/4354/0"  # Level 1 Diploma: the same 13 units, all mandatory
SHARED = ["F/617/5412", "D/617/5417", "K/617/5419"]


def _units(*references):
    return [Unit.objects.get(reference=reference) for reference in references]


def _signed_off(registration, unit, *, assessor=None):
    complete_unit(registration, unit, by=assessor)
    sign_unit(registration=registration, unit=unit, user=registration.learner, role=SignatureRole.LEARNER)
    sign_unit(registration=registration, unit=unit, user=assessor or registration.assessor, role=SignatureRole.ASSESSOR)


@pytest.fixture
def award(world):
    """The world learner's Award, with its first shared unit signed off by learner and assessor."""
    registration = make_registration(
        world.centre, world.learner, assessor=world.assessor, iqa=world.iqa, qualification=AWARD, optional_units=SHARED
    )
    _signed_off(registration, _units(SHARED[0])[0])
    return registration


@pytest.fixture
def diploma(world, award):
    """The same learner's Diploma at the same centre, which contains every unit of the Award."""
    return make_registration(world.centre, world.learner, assessor=world.assessor, iqa=world.iqa, qualification=DIPLOMA)


@pytest.fixture
def shared_unit(award):
    return Unit.objects.get(reference=SHARED[0])


# --- Carrying, allowed ---------------------------------------------------------------------------------------


def test_assessor_carries_a_signed_off_unit_and_its_criteria_count_as_met_on_the_new_registration(
    world, award, diploma, shared_unit
):
    before = registration_progress([diploma])[diploma.pk].met
    assert [candidate.unit for candidate in carry_candidates(diploma)] == [shared_unit]

    carry = carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)

    status = unit_status(diploma, shared_unit)
    assert status.complete and status.carried.counts
    assert status.carried.label.startswith(f"Carried over from {AWARD} Highfield Level 1 Award")
    assert registration_progress([diploma])[diploma.pk].met == before + status.required
    assert carry.source_sign_off.registration == award
    event = Event.objects.get(action="unit_carried_over", registration_id=diploma.pk)
    assert event.data["unit"] == SHARED[0] and event.data["source_registration"] == award.pk
    assert [s["role"] for s in event.data["source_signatures"]] == ["learner", "assessor"]
    assert carry_candidates(diploma) == []


def test_centre_admin_may_carry_a_unit_over(world, diploma, shared_unit):
    carry = carry_over_unit(actor=world.admin, registration=diploma, unit=shared_unit)
    assert carry.carried_by == world.admin


def test_the_new_sheet_shows_the_original_evidence_dates_and_signatures_read_only(world, award, diploma, shared_unit):
    carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)

    page = client_for(world.learner).get(reverse("tracking:sheet", args=[diploma.pk, shared_unit.pk]))

    text = page.content.decode()
    assert "Carried over from 603/4351/5" in text
    assert "read-only" in text
    assert "Lena Learner" in text and "signed-name" in text  # the learner's signature on the Award's sheet
    award_status = unit_status(award, shared_unit)
    first = award_status.criteria[0]
    assert first.met_on.strftime("%d/%m/%Y") in text
    assert f'id="evidence-{first.references[0]}"' in text  # the Award's evidence, listed under the sheet
    assert 'name="role" value="learner"' not in text  # nothing to sign here: the original sheet stands for it


def test_a_carried_unit_is_signed_off_for_the_certification_check(world, award, diploma, shared_unit):
    assert shared_unit not in certification_status([diploma])[diploma.pk].signed_off
    carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)
    assert shared_unit in certification_status([diploma])[diploma.pk].signed_off


def test_the_plan_entries_not_carried_are_those_the_carried_marker_leaves_unmarked(world, award, diploma, shared_unit):
    plan = RegistrationUnit.objects.filter(registration__in=[award, diploma])
    carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)
    unmarked = set(with_carried_marker(plan).filter(may_be_carried=False).values_list("pk", flat=True))
    assert set(not_carried(plan).values_list("pk", flat=True)) == unmarked
    carried = RegistrationUnit.objects.get(registration=diploma, unit=shared_unit)
    assert carried.pk not in unmarked and len(unmarked) == plan.count() - 1
    # Counted as signed off for the centre's readiness count: the Diploma's other units are what keep it unready.
    may_be = set(may_be_ready(Registration.objects.filter(pk=diploma.pk)).values_list("pk", flat=True))
    assert may_be == set()
    for entry in RegistrationUnit.objects.filter(registration=diploma).exclude(pk=carried.pk):
        _signed_off(diploma, entry.unit)
    assert set(may_be_ready(Registration.objects.filter(pk=diploma.pk)).values_list("pk", flat=True)) == {diploma.pk}


# --- Carrying, refused ---------------------------------------------------------------------------------------


def test_a_unit_not_on_the_new_plan_cannot_be_carried(world, award, shared_unit):
    other_unit = Unit.objects.get(reference="J/600/1003")  # the world learner's Certificate: not on the Award
    registration = make_registration(
        world.centre, world.learner, assessor=world.assessor, iqa=world.iqa, qualification=AWARD, optional_units=[]
    )
    with pytest.raises(CarryError, match="is not on this learner's plan"):
        carry_over_unit(actor=world.assessor, registration=registration, unit=shared_unit)
    with pytest.raises(CarryError, match="is not on this learner's plan"):
        carry_over_unit(actor=world.assessor, registration=award, unit=other_unit)
    assert not CarriedOverUnit.objects.exists()


def test_a_unit_not_signed_off_cannot_be_carried(world, award, diploma):
    unsigned = Unit.objects.get(reference=SHARED[1])
    complete_unit(award, unsigned)
    sign_unit(registration=award, unit=unsigned, user=world.learner, role=SignatureRole.LEARNER)  # no assessor yet
    with pytest.raises(CarryError, match="only a completed sign-off"):
        carry_over_unit(actor=world.assessor, registration=diploma, unit=unsigned)
    assert not CarriedOverUnit.objects.exists()


def test_a_sign_off_awaiting_countersignature_cannot_be_carried(world, diploma):
    trainee_award = make_registration(
        world.centre, world.learner, assessor=world.trainee, iqa=world.iqa, qualification=AWARD, optional_units=SHARED
    )
    unit = Unit.objects.get(reference=SHARED[2])
    _signed_off(trainee_award, unit, assessor=world.trainee)
    with pytest.raises(CarryError, match="only a completed sign-off"):
        carry_over_unit(actor=world.assessor, registration=diploma, unit=unit)

    sign_unit(registration=trainee_award, unit=unit, user=world.assessor, role=SignatureRole.COUNTERSIGNER)
    assert carry_over_unit(actor=world.assessor, registration=diploma, unit=unit).source_sign_off.registration == (
        trainee_award
    )


def test_another_learners_sign_off_is_never_carried(world, diploma):
    other_award = make_registration(
        world.centre,
        world.other_learner,
        assessor=world.other_assessor,
        iqa=world.iqa,
        qualification=AWARD,
        optional_units=SHARED,
    )
    unit = Unit.objects.get(reference=SHARED[1])
    _signed_off(other_award, unit)
    assert unit not in [candidate.unit for candidate in carry_candidates(diploma)]
    with pytest.raises(CarryError, match="not signed off in another of this learner's registrations"):
        carry_over_unit(actor=world.assessor, registration=diploma, unit=unit)


def test_a_sign_off_at_another_centre_is_never_carried(world):
    learner_elsewhere = world.other_centre_registration.learner
    assessor = world.other_centre_assessor
    away = make_registration(
        world.other_centre,
        learner_elsewhere,
        assessor=assessor,
        iqa=world.other_centre_registration.iqa,
        qualification=AWARD,
        optional_units=SHARED,
    )
    unit = Unit.objects.get(reference=SHARED[0])
    _signed_off(away, unit)
    home_diploma = make_registration(
        world.centre, learner_elsewhere, assessor=world.assessor, iqa=world.iqa, qualification=DIPLOMA
    )
    with pytest.raises(CarryError, match="at this centre"):
        carry_over_unit(actor=world.assessor, registration=home_diploma, unit=unit)


def test_only_the_learners_assessor_or_the_centre_admin_may_carry(world, diploma, shared_unit):
    for person in (world.learner, world.iqa, world.other_assessor, world.other_admin):
        with pytest.raises(CarryNotAllowed):
            carry_over_unit(actor=person, registration=diploma, unit=shared_unit)
    assert not CarriedOverUnit.objects.exists()


def test_a_unit_cannot_be_carried_twice(world, diploma, shared_unit):
    carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)
    with pytest.raises(CarryError, match="already carried over"):
        carry_over_unit(actor=world.admin, registration=diploma, unit=shared_unit)


def test_a_carried_unit_is_not_signed_again_on_the_new_registration(world, diploma, shared_unit):
    carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)
    with pytest.raises(SignOffError, match="carried over from another registration"):
        sign_unit(registration=diploma, unit=shared_unit, user=world.learner, role=SignatureRole.LEARNER)


# --- Reopening the source, withdrawing the carry ---------------------------------------------------------------


def test_reopening_the_source_unit_stops_the_carried_unit_counting_and_it_says_so(world, award, diploma, shared_unit):
    carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)
    counted = registration_progress([diploma])[diploma.pk].met

    reopen_unit(registration=award, unit=shared_unit, user=world.assessor, reason="Evidence 1 was not the learner's.")

    status = unit_status(diploma, shared_unit)
    assert not status.carried.counts and not status.complete
    assert "reopened there, so it no longer counts here" in status.carried.label
    assert registration_progress([diploma])[diploma.pk].met == counted - unit_status(award, shared_unit).required
    assert shared_unit not in certification_status([diploma])[diploma.pk].signed_off
    page = client_for(world.assessor).get(reverse("tracking:sheet", args=[diploma.pk, shared_unit.pk]))
    assert "no longer counts here" in page.content.decode()


def test_withdrawing_a_carry_needs_a_reason_and_is_recorded(world, diploma, shared_unit):
    carry = carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)
    with pytest.raises(CarryError, match="Give a reason"):
        withdraw_carried_unit(actor=world.assessor, carry=carry, reason="  ")
    with pytest.raises(CarryNotAllowed):
        withdraw_carried_unit(actor=world.learner, carry=carry, reason="Not wanted.")
    assert unit_status(diploma, shared_unit).carried is not None

    withdraw_carried_unit(actor=world.admin, carry=carry, reason="Registered on the Diploma by mistake.")

    carry.refresh_from_db()
    assert carry.withdrawn_by == world.admin and carry.withdrawal_reason == "Registered on the Diploma by mistake."
    assert unit_status(diploma, shared_unit).carried is None
    event = Event.objects.get(action="carried_unit_withdrawn", registration_id=diploma.pk)
    assert event.data["reason"] == "Registered on the Diploma by mistake."
    assert [candidate.unit for candidate in carry_candidates(diploma)] == [shared_unit]  # may be carried again


# --- The pages ---------------------------------------------------------------------------------------------------


def test_the_registrations_sheets_page_lists_what_can_be_carried_over_and_the_assessor_carries_it(
    world, diploma, shared_unit
):
    client = client_for(world.assessor)
    page = client.get(reverse("tracking:registration", args=[diploma.pk]))
    assert "Can be carried over" in page.content.decode()
    assert f'name="unit" value="{shared_unit.pk}"' in page.content.decode()

    response = client.post(reverse("tracking:carry-over", args=[diploma.pk]), {"unit": shared_unit.pk}, follow=True)

    assert f"Unit {shared_unit.reference} is carried over" in response.content.decode()
    assert CarriedOverUnit.objects.live().filter(registration=diploma, unit=shared_unit).exists()


def test_a_refused_carry_is_explained_and_stores_nothing(world, diploma):
    unit = Unit.objects.get(reference=SHARED[1])  # not signed off anywhere
    response = client_for(world.admin).post(
        reverse("tracking:carry-over", args=[diploma.pk]), {"unit": unit.pk}, follow=True
    )
    assert "only a completed sign-off" in response.content.decode()
    assert not CarriedOverUnit.objects.exists()


def test_a_learner_is_refused_with_403_and_another_centre_gets_404(world, diploma, shared_unit):
    url = reverse("tracking:carry-over", args=[diploma.pk])
    assert client_for(world.learner).post(url, {"unit": shared_unit.pk}).status_code == 403
    assert client_for(world.other_admin).post(url, {"unit": shared_unit.pk}).status_code == 404
    assert client_for(world.other_assessor).post(url, {"unit": shared_unit.pk}).status_code == 404
    assert not CarriedOverUnit.objects.exists()
    learner_page = client_for(world.learner).get(reverse("tracking:registration", args=[diploma.pk]))
    assert "Can be carried over" not in learner_page.content.decode()


def test_withdraw_page_refuses_the_learner_and_other_centres(world, diploma, shared_unit):
    carry = carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)
    url = reverse("tracking:carry-withdraw", args=[carry.pk])
    assert client_for(world.learner).post(url, {"reason": "x"}).status_code == 403
    assert client_for(world.other_admin).post(url, {"reason": "x"}).status_code == 404
    client_for(world.assessor).post(url, {"reason": "Carried in error."})
    carry.refresh_from_db()
    assert carry.withdrawn_at is not None


def _carry_units(world, award, diploma, count):
    for unit in _units(*SHARED[:count]):
        if not CarriedOverUnit.objects.filter(registration=diploma, unit=unit).exists():
            if unit.reference != SHARED[0]:
                _signed_off(award, unit)
            carry_over_unit(actor=world.assessor, registration=diploma, unit=unit)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["tracking:registration", "portfolio:registration-detail"])
def test_pages_of_a_registration_with_carried_units_do_not_query_per_unit(world, award, diploma, name):
    client = client_for(world.assessor)
    url = reverse(name, args=[diploma.pk])
    _carry_units(world, award, diploma, 1)
    one = _queries(client, url)
    _carry_units(world, award, diploma, 3)
    three = _queries(client, url)
    assert three == one


def test_the_source_registration_is_untouched(world, award, diploma, shared_unit):
    status_before = unit_status(award, shared_unit)
    carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)
    assert Registration.objects.get(pk=award.pk).status == award.status
    assert unit_status(award, shared_unit).carried is None
    assert unit_status(award, shared_unit).met == status_before.met


def test_a_trainee_assessors_own_learner_carry_is_allowed_to_the_trainee(world):
    learner = world.trainee_registration.learner
    award = make_registration(
        world.centre, learner, assessor=world.assessor, iqa=world.iqa, qualification=AWARD, optional_units=SHARED
    )
    unit = Unit.objects.get(reference=SHARED[0])
    _signed_off(award, unit)
    diploma = make_registration(world.centre, learner, assessor=world.trainee, iqa=world.iqa, qualification=DIPLOMA)
    assert carry_over_unit(actor=world.trainee, registration=diploma, unit=unit).carried_by == world.trainee
    with pytest.raises(CarryNotAllowed):  # the Award's assessor is not this registration's
        withdraw_carried_unit(
            actor=world.other_assessor, carry=CarriedOverUnit.objects.get(registration=diploma), reason="No."
        )


def test_the_pdf_of_a_carried_unit_prints_the_carry_and_the_original_signatures(world, diploma, shared_unit):
    from tracking.pdf import printed_sheet
    from tracking.sheets import build_sheet

    carry_over_unit(actor=world.assessor, registration=diploma, unit=shared_unit)
    sheet = build_sheet(diploma, shared_unit)
    lines = {line.role: line for line in printed_sheet(sheet).sheet.signature_lines}
    assert lines[SignatureRole.LEARNER].signature.name_at_signing == "Lena Learner"
    assert lines[SignatureRole.ASSESSOR].signature.user == world.assessor and lines[SignatureRole.ASSESSOR].matches
    response = client_for(world.assessor).get(reverse("tracking:sheet-pdf", args=[diploma.pk, shared_unit.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
