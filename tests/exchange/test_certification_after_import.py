"""Certification at the new centre (issue 17 part 4): a unit carried over with an imported portfolio counts as
achieved while its original sign-off verifies through the imported chain, and is refused when it does not."""

import io
import json

import pytest
from django.db import connection
from django.utils import timezone

from exchange.importing import import_portfolio
from exchange.models import ImportedUnit, PortfolioImport
from portfolio.models import Registration
from quality.services.certification import CertificationState, certification_status, record_claim
from quality.services.errors import ClaimError
from tests.exchange.helpers import details
from tests.portfolio.helpers import UNIT_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(world, zip_bytes):
    imported = import_portfolio(
        actor=world.other_admin, centre=world.other_centre, archive=io.BytesIO(zip_bytes), learner=details(world)
    )
    Registration.objects.filter(pk=imported.registration_id).update(id_checked_on=timezone.localdate())
    return imported


def _status(registration_id):
    return certification_status([Registration.objects.get(pk=registration_id)])[registration_id]


def _tamper_with_the_kept_chain(imported: PortfolioImport, change) -> None:
    """Change the stored copy of the imported chain behind the application's back (it is kept read-only)."""
    chain = imported.chain
    change(chain)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE exchange_portfolioimport SET chain = %s WHERE id = %s", [json.dumps(chain), imported.pk])


def test_a_carried_over_unit_counts_as_achieved_and_can_be_claimed(world, imported):
    carried = ImportedUnit.objects.get(registration_id=imported.registration_id)
    status = _status(imported.registration_id)
    assert carried.unit in status.signed_off
    assert not any(UNIT_B in reason for reason in status.reasons), status.reasons
    # The learner leaves the new centre early: the unit signed off at the first centre is claimed.
    Registration.objects.filter(pk=imported.registration_id).update(status=Registration.Status.WITHDRAWN)
    assert _status(imported.registration_id).state == CertificationState.LEFT_EARLY
    claim = record_claim(
        actor=world.other_admin, registration=imported.registration, kind="unit", unit_ids=[carried.unit.pk]
    )
    assert list(claim.units.all()) == [carried.unit]


def _change_a_signature(chain):
    entry = next(e for e in chain if e["kind"] == "signature")
    entry["content"] = (
        entry["content"]
        .replace('"role":"assessor"', '"role":"assessor" ')
        .replace('"role":"learner"', '"role":"learner" ')
    )


def _drop_the_last_entry(chain):
    chain.pop()


@pytest.mark.parametrize(
    "change, named",
    [(_change_a_signature, "does not verify: entry"), (_drop_the_last_entry, "no longer ends in the head")],
)
def test_a_carried_over_unit_whose_imported_chain_does_not_verify_is_not_counted(world, imported, change, named):
    carried = ImportedUnit.objects.get(registration_id=imported.registration_id)
    _tamper_with_the_kept_chain(imported, change)
    status = _status(imported.registration_id)
    assert carried.unit not in status.signed_off
    assert any(
        "The units carried over from another centre are not counted: the chain imported from Northgate Training "
        in reason
        and named in reason
        for reason in status.reasons
    ), status.reasons
    Registration.objects.filter(pk=imported.registration_id).update(status=Registration.Status.WITHDRAWN)
    with pytest.raises(ClaimError, match="Only units that are signed off can be claimed"):
        record_claim(
            actor=world.other_admin, registration=imported.registration, kind="unit", unit_ids=[carried.unit.pk]
        )
