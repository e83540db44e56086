"""Units signed off at the first centre, on the new centre's tracking sheet (issue 17 part 4): their criteria show
as met, carried over from the named centre, with the original decisions, dates, signers and signature hashes,
read-only; the registration's progress counts them; the sheets page reads a fixed number of queries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange.building import build_portfolio_zip
from exchange.importing import import_portfolio
from exchange.models import ImportedUnit
from portfolio.progress import CriterionState, registration_progress, unit_status
from qualifications.models import Unit
from tests.exchange.helpers import complete_through_services, details
from tests.portfolio.helpers import UNIT_A, UNIT_B
from tests.quality.helpers import complete_and_sign

pytestmark = pytest.mark.django_db


def _import(world, registration, tmp_path):
    path = tmp_path / f"export-{registration.pk}-{registration.units.count()}.zip"
    build_portfolio_zip(registration, path)
    return import_portfolio(
        actor=world.other_admin,
        centre=world.other_centre,
        archive=io.BytesIO(path.read_bytes()),
        learner=details(world),
    )


def test_carried_units_criteria_show_met_with_the_original_decisions_and_signatures(client, world, tmp_path):
    unit = Unit.objects.get(reference=UNIT_B)
    complete_through_services(world.registration, unit)
    imported = _import(world, world.registration, tmp_path)
    registration = imported.registration
    carried = ImportedUnit.objects.get(registration=registration)
    status = unit_status(registration, carried.unit)
    required = [criterion for criterion in status.criteria if criterion.required]
    # Every required criterion is met, as it was at the first centre, on the date, by the person, it was met there.
    assert required and all(criterion.state == CriterionState.MET for criterion in required)
    decided_there = {d["criterion"]: d for d in carried.criteria if d["is_met"]}
    for criterion in required:
        original = decided_there[f"{UNIT_B} {criterion.criterion.code}"]
        assert criterion.met_on.isoformat() == original["met_on"]
        assert criterion.decision.decided_by_name == original["decided_by"] == str(world.assessor)
        assert criterion.decision.chain_seq == original["seq"]
    assert status.complete
    # The registration's progress counts them.
    progress = registration_progress([registration])[registration.pk]
    assert progress.met == len(required)

    client.force_login(world.other_admin)
    page = client.get(
        reverse("tracking:sheet", kwargs={"registration_pk": registration.pk, "unit_pk": carried.unit.pk})
    ).content.decode()
    assert "Carried over from Northgate Training (signed off" in page
    assert page.count(f"Decided by {world.assessor} (imported chain entry ") == len(required)
    assert "No evidence" not in page
    assert reverse("exchange:imported", kwargs={"pk": registration.pk}) in page  # where its evidence files are
    for signature in carried.signatures:
        assert signature["sheet_hash"] in page  # the hash the original signer signed
        assert signature["name"] in page
    # Read-only: no signing form for the carried unit.
    assert reverse("tracking:sign", kwargs={"registration_pk": registration.pk, "unit_pk": carried.unit.pk}) not in page


def test_the_sheets_page_reads_the_same_number_of_queries_for_one_or_two_carried_units(client, world, tmp_path):
    from exchange.models import PortfolioImport
    from portfolio.models import Registration

    recorded = world.registration
    complete_and_sign(recorded, Unit.objects.get(reference=UNIT_B))
    one = _import(world, recorded, tmp_path)
    client.force_login(world.other_admin)

    def count(registration) -> int:
        url = reverse("tracking:registration", kwargs={"registration_pk": registration.pk})
        client.get(url)  # the session and the catalogue are read once per process
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        return len(queries), page.content.decode()

    small, _ = count(one.registration)
    # The learner's second unit is signed off at the first centre too, and exported again: two units carried over.
    complete_and_sign(recorded, Unit.objects.get(reference=UNIT_A))
    Registration.objects.filter(pk=one.registration_id).update(status=Registration.Status.WITHDRAWN)
    two = _import(world, recorded, tmp_path)
    assert PortfolioImport.objects.count() == 2 and two.units.count() == 2
    large, page = count(two.registration)
    assert page.count("Carried over from Northgate Training") == 2
    assert large == small


def test_a_carried_unit_whose_decisions_predate_the_chain_is_met_by_its_sign_off(client, world, signed, zip_bytes):
    """Decisions recorded before the ledger existed are not in the chain: the unit's signatures vouch for them."""
    imported = import_portfolio(
        actor=world.other_admin, centre=world.other_centre, archive=io.BytesIO(zip_bytes), learner=details(world)
    )
    carried = ImportedUnit.objects.get(registration=imported.registration)
    assert not [d for d in carried.criteria if d["is_met"]]
    status = unit_status(imported.registration, carried.unit)
    assert status.complete
    assert {c.met_on for c in status.criteria if c.required} == {carried.signed_off_at.date()}
    client.force_login(world.other_admin)
    page = client.get(
        reverse("tracking:sheet", kwargs={"registration_pk": imported.registration_id, "unit_pk": carried.unit.pk})
    ).content.decode()
    assert "Met with the unit's sign-off" in page


def test_the_assessor_at_the_new_centre_gets_no_mark_or_unmark_buttons_on_a_carried_unit(client, world, tmp_path):
    unit = Unit.objects.get(reference=UNIT_B)
    complete_through_services(world.registration, unit)
    registration = _import(world, world.registration, tmp_path).registration
    assert registration.assessor is not None
    client.force_login(registration.assessor)
    url = reverse("portfolio:unit-progress", args=[registration.pk, unit.pk])
    page = client.get(url).content.decode()
    assert "Carried over from" in page or "carried over" in page.lower()
    assert "Unmark" not in page and "Mark met" not in page
    other = Unit.objects.get(reference=UNIT_A)  # the unit still to do here keeps its decision column
    assert client.get(reverse("portfolio:unit-progress", args=[registration.pk, other.pk])).status_code == 200
