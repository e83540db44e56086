"""Where the specification texts (the seeds) are: copies kept in the repository beside these tests
(tests/qualifications/seeds/), so that the tests never read outside the repository. They are the plain-text
extractions the catalogue fixtures were made from, word for word; replace them only together with the fixtures."""

from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"


def find_seeds() -> Path:
    return SEEDS_DIR
