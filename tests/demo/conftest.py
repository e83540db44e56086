"""Demo tests seed the whole demo (`manage.py seed_demo`) into the test database, with files in an empty folder."""

import pytest


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    return media_root
