"""The demo seeded once for every check in this folder, as a new user seeds it (`manage.py seed_demo`).

Seeding takes 10-15 s of CPU, so the folder's modules seed it once between them: one worker runs them all, one
after another (RUN_TOGETHER in tests/conftest.py), inside a transaction that is rolled back after the last of
them; each test runs in a savepoint within it, so what one test changes is undone before the next. Seeding twice
and a seeding that fails need an empty database of their own: tests/demo/test_seed_demo_runs.py."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.demo.helpers import seed


@pytest.fixture(scope="package")
def seeded_demo(django_db_setup, django_db_blocker, tmp_path_factory) -> str:
    """What seed_demo printed; its files are in the folder MEDIA_ROOT names while the package's tests run."""
    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _own_media_root(seeded_demo):
    """In place of tests/demo/conftest.py's empty folder of the test's own: every test here sees the demo seeded
    for the package, its files included."""
