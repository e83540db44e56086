"""Where the specification texts (the seeds) are: SEEDS_DIR if set, else `shared/seeds` beside the repository,
else the workplace's copy; tests that read them are skipped only when none of these exists."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CANDIDATES = [REPO.parent / "shared" / "seeds", Path("/work/shared/seeds")]


def find_seeds() -> Path:
    if os.environ.get("SEEDS_DIR"):
        return Path(os.environ["SEEDS_DIR"])
    return next((path for path in CANDIDATES if path.is_dir()), CANDIDATES[0])
