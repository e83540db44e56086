"""The Welsh tests: the compiled catalogue must be there, and each test leaves English active, as it found it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def _compiled_welsh_and_english_afterwards():
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime, (
        "The Welsh catalogue is not compiled: run `manage.py compilemessages` (scripts/setup-env does)."
    )
    yield
    # A request in Welsh leaves Welsh active in this thread; the tests that follow expect the default.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def welsh_learner(world):
    world.learner.language = "cy"
    world.learner.save(update_fields=["language"])
    return world.learner
