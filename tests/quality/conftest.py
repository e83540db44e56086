import pytest

from .helpers import make_plan, units_of


@pytest.fixture
def plan(world):
    """The world IQA's plan for the Certificate (the world learners' qualification) for this academic year."""
    return make_plan(world)


@pytest.fixture
def unit1(world):
    return units_of(world.registration)[0]


@pytest.fixture
def unit2(world):
    return units_of(world.registration)[1]
