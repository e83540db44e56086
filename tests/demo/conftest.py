"""Demo tests seed the whole demo (`manage.py seed_demo`) into the test database, with files in an empty folder."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root
