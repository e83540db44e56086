import pytest

from .helpers import complete_unit, first_unit


@pytest.fixture
def unit(world):
    """The first unit (J/600/1003, 32 criteria) of the world learner's Certificate."""
    return first_unit(world.registration)


@pytest.fixture
def completed(world, unit):
    """The world learner's first unit with every criterion met on accepted evidence."""
    complete_unit(world.registration, unit)
    return unit
