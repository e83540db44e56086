import pytest
from django.db import transaction

from api.models import Scope
from api.tokens import create_token


@pytest.fixture(scope="module")
def module_scenario(django_db_setup, django_db_blocker):
    """The permission matrix's scenario (tests/security/scenario.py), built once per module inside a transaction
    rolled back at the end; each test runs in a savepoint inside it."""
    from tests.security.scenario import build_scenario

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        built = build_scenario()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def scenario(module_scenario, db, settings):
    settings.JOBS_RUNNER = "worker"
    return module_scenario


@pytest.fixture
def make_token():
    """A token's secret: made by `actor` (a centre admin) for `centre`, with every scope unless named."""

    def make(actor, centre, scopes=None, days=30, name="College MIS"):
        _, secret = create_token(actor=actor, centre=centre, name=name, scopes=scopes or list(Scope.values), days=days)
        return secret

    return make


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
