import pytest


@pytest.fixture
def scenario(db):
    """The `world` plus one of every object a URL can name: see tests/security/scenario.py."""
    from tests.security.scenario import build_scenario

    return build_scenario()
