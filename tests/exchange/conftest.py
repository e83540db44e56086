import pytest

from exchange.building import build_portfolio_zip
from portfolio.services.judgement import judge_link, mark_criterion_met
from qualifications.models import Unit
from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, make_evidence
from tests.quality.helpers import complete_and_sign


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    return media_root


@pytest.fixture
def recorded(world):
    """The world learner's portfolio made through the services: a file, links, a judgement and a decision."""
    criteria = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.registration, criteria=criteria)
    link = evidence.links.get(criterion=criteria[0])
    judge_link(actor=world.assessor, link=link, accepted=True, feedback="Clear.")
    mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=criteria[0])
    return world.registration


@pytest.fixture
def exported(recorded, tmp_path):
    path = tmp_path / "portfolio.zip"
    build_portfolio_zip(recorded, path)
    return path


@pytest.fixture
def signed(recorded):
    """The world learner's portfolio at centre A with unit B signed off by learner and assessor."""
    complete_and_sign(recorded, Unit.objects.get(reference=UNIT_B))
    return recorded


@pytest.fixture
def zip_bytes(signed, tmp_path):
    path = tmp_path / "signed-portfolio.zip"
    build_portfolio_zip(signed, path)
    return path.read_bytes()
