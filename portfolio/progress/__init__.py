"""Where a learner stands, criterion by criterion: the one structure that the portfolio pages, the
tracking sheet, progress figures and the certification check all read.

Everything is fetched in bulk, in a fixed number of queries, and assembled in Python.

The modules of this package hold one concern each: statuses (the structure), assembly (unit_statuses), sharing
(one assembly per read-only page), carried (units carried over, provided by apps above) and figures
(registration_progress); the names callers use are re-exported here.
"""

from .assembly import unit_status, unit_statuses
from .carried import (
    CarriedUnit,
    CarriedUnitsMarker,
    CarriedUnitsProvider,
    OriginalDecision,
    carried_units,
    register_carried_units,
)
from .figures import Progress, registration_progress
from .sharing import active_registrations_of, registration_annotations, shared_within_block, sharing_unit_statuses
from .statuses import FINAL, CriterionState, CriterionStatus, OutcomeStatus, UnitStatus

__all__ = [
    "FINAL",
    "CarriedUnit",
    "CarriedUnitsMarker",
    "CarriedUnitsProvider",
    "CriterionState",
    "CriterionStatus",
    "OriginalDecision",
    "OutcomeStatus",
    "Progress",
    "UnitStatus",
    "active_registrations_of",
    "carried_units",
    "register_carried_units",
    "registration_annotations",
    "registration_progress",
    "shared_within_block",
    "sharing_unit_statuses",
    "unit_status",
    "unit_statuses",
]
