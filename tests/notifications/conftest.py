import pytest


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    return media_root
