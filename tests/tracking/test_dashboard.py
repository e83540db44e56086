import contextlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import views as dashboard_views
from demo import signoff
from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink
from portfolio.progress import assembly, unit_status
from tests.factories import client_for
from tracking import dashboard
from tracking.models import Signature
from tracking.services.signoff import sign_unit

from .helpers import add_evidence, complete_unit, first_unit, share_with_eqa, unit_status_units

pytestmark = pytest.mark.django_db


def home(user) -> str:
    return client_for(user).get(reverse("home")).content.decode()


def test_learner_sees_units_ready_for_their_signature(world, completed):
    assert "Units ready for your signature" in home(world.learner)
    assert "Unit 1: Delivery of effective customer service (J/600/1003)" in home(world.learner)
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    assert "No units are waiting for your signature." in home(world.learner)


def test_assessor_sees_sheets_to_sign_and_countersignatures_waiting(world, completed):
    assert "No tracking sheets are waiting for you." in home(world.assessor)
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    page = home(world.assessor)
    assert "Lena Learner: J/600/1003" in page
    assert "Sign-offs to countersign" in page  # the assessor supervises a trainee

    registration = world.trainee_registration
    unit = first_unit(registration)
    complete_unit(registration, unit, by=world.trainee)
    CriterionDecision.objects.filter(registration=registration).update(countersign_status=CountersignStatus.CONFIRMED)
    sign_unit(registration=registration, unit=unit, user=registration.learner, role="learner")
    sign_unit(registration=registration, unit=unit, user=world.trainee, role="assessor")
    assert f"{registration.learner.full_name}: {unit.reference}" in home(world.assessor)
    assert "Sign-offs to countersign" not in home(world.other_assessor)


def test_iqa_and_eqa_see_signed_off_units_waiting(world, completed):
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    sign_unit(registration=world.registration, unit=completed, user=world.assessor, role="assessor")
    assert "Lena Learner: J/600/1003" in home(world.iqa)
    assert "No shared units are waiting." in home(world.eqa)
    share_with_eqa(world, world.registration, completed)
    assert "Lena Learner: J/600/1003" in home(world.eqa)
    sign_unit(registration=world.registration, unit=completed, user=world.iqa, role="iqa")
    assert "No recently signed-off units." in home(world.iqa)


def _iqa_items(user) -> list[tuple[str, str]]:
    panel = next(panel for panel in dashboard.panels(user, {"iqa": True}) if panel["id"] == "sign-off-iqa")
    return [(item["learner"], item["unit"]) for item in panel["items"]]


def test_iqa_sees_a_trainees_unit_only_once_it_is_countersigned(world, completed):
    registration = world.trainee_registration
    unit = first_unit(registration)
    complete_unit(registration, unit, by=world.trainee)
    CriterionDecision.objects.filter(registration=registration).update(countersign_status=CountersignStatus.CONFIRMED)
    sign_unit(registration=registration, unit=unit, user=registration.learner, role="learner")
    sign_unit(registration=registration, unit=unit, user=world.trainee, role="assessor")
    # The qualified assessor's unit is signed off by their own signature.
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    sign_unit(registration=world.registration, unit=completed, user=world.assessor, role="assessor")
    qualified = (world.learner.full_name, f"{completed.reference} {completed.title}")
    trainees = (registration.learner.full_name, f"{unit.reference} {unit.title}")
    assert _iqa_items(world.iqa) == [qualified]
    assert f"{registration.learner.full_name}: {unit.reference}" not in home(world.iqa)

    sign_unit(registration=registration, unit=unit, user=world.assessor, role="countersigner")
    assert sorted(_iqa_items(world.iqa)) == sorted([qualified, trainees])
    assert f"{registration.learner.full_name}: {unit.reference}" in home(world.iqa)


def test_iqa_panel_queries_do_not_grow_with_the_units_listed(world, completed):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _iqa_items(world.iqa)
        return len(captured)

    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    sign_unit(registration=world.registration, unit=completed, user=world.assessor, role="assessor")
    one = queries()
    registration = world.trainee_registration
    for unit in unit_status_units(registration):
        complete_unit(registration, unit, by=world.trainee)
    CriterionDecision.objects.filter(registration=registration).update(countersign_status=CountersignStatus.CONFIRMED)
    for unit in unit_status_units(registration):
        sign_unit(registration=registration, unit=unit, user=registration.learner, role="learner")
        sign_unit(registration=registration, unit=unit, user=world.trainee, role="assessor")
        sign_unit(registration=registration, unit=unit, user=world.assessor, role="countersigner")
    assert len(_iqa_items(world.iqa)) > 2
    assert queries() == one


def test_demo_signs_one_complete_unit_once(world, completed):
    context = {
        "registrations": {
            "learner1@northgate.example": world.registration,
            "learner2@northgate.example": world.other_registration,
        }
    }
    signoff.seed(context)
    assert set(Signature.objects.values_list("role", flat=True)) == {"learner", "assessor"}
    signoff.seed(context)
    assert Signature.objects.count() == 2


def test_demo_does_nothing_when_no_unit_is_complete(world):
    signoff.seed({"registrations": {"learner1@northgate.example": world.other_registration}})
    signoff.seed({})
    assert not Signature.objects.exists()


# --- the learner's home page: one assembly of the learner's criteria, a fixed number of queries ----------------


def _home_queries(user) -> int:
    client = client_for(user)
    client.get(reverse("home"))  # warm up (session, caches)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def _grow_portfolio(registration, units):
    """A fuller portfolio: every unit given evidence, half of them complete and signed by the learner."""
    for index, unit in enumerate(units):
        if index % 2 == 0:
            complete_unit(registration, unit)
            sign_unit(registration=registration, unit=unit, user=registration.learner, role="learner")
        else:
            criteria = [c.criterion for c in unit_status(registration, unit).criteria][:5]
            add_evidence(registration, criteria, methods=("Obs", "PE"))
            add_evidence(registration, criteria[:2], status=EvidenceLink.Status.PENDING)


def test_learner_home_assembles_each_registrations_criteria_once(world, completed, monkeypatch):
    assembled = []
    real = assembly._assemble_unit_statuses

    def counting(registration, units):
        assembled.append((registration.pk, units))
        return real(registration, units)

    monkeypatch.setattr(assembly, "_assemble_unit_statuses", counting)
    page = home(world.learner)
    assert "Unit 1: Delivery of effective customer service (J/600/1003)" in page  # the sheet panel still works
    assert assembled == [(world.registration.pk, None)]  # both panels read the one assembly


def test_learner_home_queries_are_fewer_and_do_not_grow_with_the_portfolio(world, completed, monkeypatch):
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    small = _home_queries(world.learner)

    _grow_portfolio(world.registration, unit_status_units(world.registration)[1:])
    large = _home_queries(world.learner)
    # The session (with its user), roles, registrations (with the assessor's countersigning membership and whether
    # the learner has certificate claims), the catalogue's version, the plan (with whether any unit is carried over),
    # links, decisions, the evidence's counts, the latest feedback and the signatures; "Waiting for you" (feedback to
    # act on, the learner's signatures), the header bell's unread count, and their own apprenticeships (or the
    # apprentices they are the employer contact of, apprenticeships.dashboard).
    assert large == small <= 14

    # Without sharing, each panel assembled the learner's criteria itself (three queries more: the catalogue's
    # units, outcomes and criteria are held in memory) and read the learner's registrations again.
    monkeypatch.setattr(dashboard_views, "sharing_unit_statuses", contextlib.nullcontext)
    assert _home_queries(world.learner) >= small + 4


def test_eqa_sees_a_shared_trainees_unit_only_once_it_is_countersigned(world):
    registration = world.trainee_registration
    unit = first_unit(registration)
    complete_unit(registration, unit, by=world.trainee)
    CriterionDecision.objects.filter(registration=registration).update(countersign_status=CountersignStatus.CONFIRMED)
    sign_unit(registration=registration, unit=unit, user=registration.learner, role="learner")
    sign_unit(registration=registration, unit=unit, user=world.trainee, role="assessor")
    share_with_eqa(world, registration, unit)
    listed = f"{registration.learner.full_name}: {unit.reference}"
    assert listed not in home(world.eqa)

    sign_unit(registration=registration, unit=unit, user=world.assessor, role="countersigner")
    assert listed in home(world.eqa)


def test_learner_is_told_when_every_unit_is_signed_off(world):
    registration = world.registration
    units = unit_status_units(registration)
    finished = "quality assurance and the claim for your certificate come next"
    for unit in units:
        assert finished not in home(world.learner)
        complete_unit(registration, unit)
        sign_unit(registration=registration, unit=unit, user=world.learner, role="learner")
        sign_unit(registration=registration, unit=unit, user=world.assessor, role="assessor")
    assert finished in home(world.learner)
    assert finished not in home(world.other_learner)
