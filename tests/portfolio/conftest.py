"""Every evidence test writes files to its own empty storage folder, so that orphans can be counted."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root
