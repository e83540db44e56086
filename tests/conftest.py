import io

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real catalogue, loaded once per run."""
    with django_db_blocker.unblock():
        call_command("load_catalogue", verbosity=0, stdout=io.StringIO())


@pytest.fixture
def world(db):
    """Two centres with staff and learners on real qualifications: see tests/factories.py."""
    from tests.factories import build_world

    return build_world()


@pytest.fixture(scope="session", autouse=True)
def _remove_test_media():
    """Test uploads go to a throwaway MEDIA_ROOT; remove it when the run ends."""
    import shutil

    from django.conf import settings

    yield
    if "portfolio-test-media-" in str(settings.MEDIA_ROOT):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
