"""The fixtures every apprenticeship test module shares: a centre with its people, and an apprentice set up."""

import pytest

from tests.factories import build_world

from .helpers import make_apprenticeship


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def apprenticeship(world):
    return make_apprenticeship(world)
