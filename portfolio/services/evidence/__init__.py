"""Evidence in a learner's portfolio: adding it with its files, linking it to criteria, submitting it for
assessment, withdrawing it and replacing rejected evidence with a new version.

Every service is atomic, takes the acting user, writes an Event and raises a PortfolioError the view shows.
Files are checked before anything is written, and removed again from storage if the change fails.

The modules of this package hold one concern each: cleaning (what is typed about evidence), create, files
(adding files to drafts), linking, lifecycle (submit, withdraw) and versions; shared private helpers in _common.
The names callers use are re-exported here.
"""

from ._common import THUMBNAIL_TYPE
from .cleaning import (
    DESCRIPTION_MAX,
    LOCATION_MAX,
    NOT_RECORDED_BY_LEARNER,
    SIMULATION_REASON_MAX,
    TITLE_MAX,
    refuse_simulation_where_workplace_required,
)
from .create import create_evidence
from .files import FILES_ONLY_ON_DRAFTS, add_files
from .lifecycle import submit_evidence, withdraw_evidence
from .linking import link_criteria, save_links
from .versions import new_version

__all__ = [
    "DESCRIPTION_MAX",
    "FILES_ONLY_ON_DRAFTS",
    "LOCATION_MAX",
    "NOT_RECORDED_BY_LEARNER",
    "SIMULATION_REASON_MAX",
    "THUMBNAIL_TYPE",
    "TITLE_MAX",
    "add_files",
    "create_evidence",
    "link_criteria",
    "new_version",
    "refuse_simulation_where_workplace_required",
    "save_links",
    "submit_evidence",
    "withdraw_evidence",
]
