"""Every observation test writes files to its own empty storage folder, so that orphans can be counted."""

import pytest


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    return media_root
