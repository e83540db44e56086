"""Two people signing at the same moment leave a consistent state: one signature, the other told why.

Needs PostgreSQL (row locks and concurrent transactions); CI runs the suite on PostgreSQL."""

import threading

import pytest
from django.db import connection

from tests.factories import build_world
from tracking.models import Signature, UnitSignOff
from tracking.services.signoff import SignOffError, sign_unit, signing

from .helpers import complete_unit, first_unit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signable(catalogue):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is tested on PostgreSQL (set DATABASE_URL); SQLite serialises every write.")
    world = build_world()
    unit = first_unit(world.registration)
    complete_unit(world.registration, unit)
    return world, unit


def _race(targets) -> list[str]:
    barrier = threading.Barrier(len(targets))
    results: list[str] = []

    def run(target):
        try:
            barrier.wait(timeout=10)
            target()
            results.append("signed")
        except SignOffError as error:
            results.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


def test_two_signatures_in_the_same_role_at_once_leave_one(signable):
    world, unit = signable

    def learner_signs():
        sign_unit(registration=world.registration, unit=unit, user=world.learner, role="learner")

    results = _race([learner_signs, learner_signs])
    assert results == ["Lena Learner has already signed as learner.", "signed"]
    assert Signature.objects.filter(role="learner").count() == 1


def test_the_unique_constraint_is_the_backstop_when_both_pass_the_checks(signable, monkeypatch):
    """Even if both transactions read the sheet before either signs, the database keeps one live signature."""
    world, unit = signable
    both_checked = threading.Barrier(2)
    real_check = signing.check_may_sign

    def check_then_wait(state, user, role, **options):
        real_check(state, user, role, **options)
        both_checked.wait(timeout=10)

    monkeypatch.setattr(signing, "check_may_sign", check_then_wait)
    monkeypatch.setattr(signing, "lock_unit", _lock_without_row_locks)
    UnitSignOff.objects.create(registration=world.registration, unit=unit)

    def learner_signs():
        sign_unit(registration=world.registration, unit=unit, user=world.learner, role="learner")

    results = _race([learner_signs, learner_signs])
    assert results == ["Lena Learner has already signed as learner.", "signed"]
    assert Signature.objects.filter(role="learner").count() == 1


def _lock_without_row_locks(registration, unit):
    from portfolio.models import Registration, RegistrationUnit

    registration = Registration.objects.get(pk=registration.pk)
    plan_entry = RegistrationUnit.objects.get(registration=registration, unit=unit)
    sign_off, _ = UnitSignOff.objects.get_or_create(registration=registration, unit=unit)
    return registration, plan_entry, sign_off


def test_reopen_racing_a_countersignature_leaves_a_consistent_state(signable):
    world, unit = signable
    sign_unit(registration=world.registration, unit=unit, user=world.learner, role="learner")
    sign_unit(registration=world.registration, unit=unit, user=world.assessor, role="assessor")
    from tracking.services.signoff import reopen_unit

    def reopen():
        reopen_unit(registration=world.registration, unit=unit, user=world.assessor, reason="Race")

    def iqa_signs():
        sign_unit(registration=world.registration, unit=unit, user=world.iqa, role="iqa")

    results = _race([reopen, iqa_signs])
    # Either the IQA signed first and the reopening voided that too, or the reopening came first and the IQA was
    # told the unit is no longer signed off: never a live IQA signature on a reopened unit.
    assert results in (
        ["signed", "signed"],
        ["The unit is not signed off yet: the learner has still to sign.", "signed"],
    )
    assert not Signature.objects.live().exists()
    assert Signature.objects.count() == (3 if results == ["signed", "signed"] else 2)
