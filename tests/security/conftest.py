import pytest
from django.db import transaction


@pytest.fixture
def scenario(db):
    """The `world` plus one of every object a URL can name: see tests/security/scenario.py."""
    from tests.security.scenario import build_scenario

    return build_scenario()


@pytest.fixture(scope="module")
def module_scenario(django_db_setup, django_db_blocker):
    """One scenario for the whole module, inside a transaction that is rolled back at the end. Each test runs in
    a savepoint inside it (pytest-django's `db`), so a POST that changes something is undone before the next."""
    from tests.security.scenario import build_scenario

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        built = build_scenario()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
