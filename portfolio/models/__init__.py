"""The learner's portfolio: registrations, evidence and its files, links to criteria and the assessor's decisions.

Django finds an app's models through its `models` module: this package imports every model, one module per
part of the portfolio.
"""

from .adjustments import Adjustment, AdjustmentFile, AdjustmentQuerySet, adjustment_upload_to
from .competence import CompetenceQuerySet, OccupationalCompetence
from .eqa import EqaShare, EqaShareItem
from .evidence import Evidence, EvidenceFile, EvidenceFileQuerySet, EvidenceQuerySet, evidence_upload_to
from .initial_assessment import InitialAssessment, SkillsLevel
from .judgement import (
    Countersignable,
    CountersignStatus,
    CriterionDecision,
    EvidenceLink,
    EvidenceLinkQuerySet,
    counting_links_q,
)
from .registration import Registration, RegistrationQuerySet, RegistrationUnit
from .rpl import RplClaim
from .witness import WitnessInvitation

__all__ = [
    "Adjustment",
    "AdjustmentFile",
    "AdjustmentQuerySet",
    "CompetenceQuerySet",
    "CountersignStatus",
    "Countersignable",
    "CriterionDecision",
    "EqaShare",
    "EqaShareItem",
    "Evidence",
    "EvidenceFile",
    "EvidenceFileQuerySet",
    "EvidenceLink",
    "EvidenceLinkQuerySet",
    "EvidenceQuerySet",
    "InitialAssessment",
    "OccupationalCompetence",
    "Registration",
    "RegistrationQuerySet",
    "RegistrationUnit",
    "RplClaim",
    "SkillsLevel",
    "WitnessInvitation",
    "adjustment_upload_to",
    "counting_links_q",
    "evidence_upload_to",
]
