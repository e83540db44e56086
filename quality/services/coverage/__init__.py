"""What a plan has covered (the CAMERA headings: candidates, assessors, methods, elements, records, locations),
each assessor's planned against done, and the next samples that would close the largest gaps. The modules of this
package hold one concern each; the names callers use are re-exported here."""

from .measure import coverage, evidence_locations, shared_learner_rows
from .proposals import MAX_UNITS_PER_PROPOSAL, Proposal, eligible_for, may_sample, propose_samples
from .rows import KINDS, AssessorProgress, Coverage, LearnerRow, LocationRow, MethodCell, UnitRow, planned_count

__all__ = [
    "KINDS",
    "MAX_UNITS_PER_PROPOSAL",
    "AssessorProgress",
    "Coverage",
    "LearnerRow",
    "LocationRow",
    "MethodCell",
    "Proposal",
    "UnitRow",
    "coverage",
    "eligible_for",
    "evidence_locations",
    "may_sample",
    "planned_count",
    "propose_samples",
    "shared_learner_rows",
]
