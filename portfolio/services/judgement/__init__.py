"""The assessor's judgement: accepting or rejecting each link of evidence to a criterion, marking criteria met
(or unmarking them before sign-off), and the countersignature a trainee assessor's decisions need.

A decision made by an assessor who is working towards their award waits, as "awaiting countersignature", for
the countersignatory named on their membership, who confirms or overturns it. Until then it is not final:
portfolio.progress does not count it as met. The modules of this package hold one concern each; the names callers
use are re-exported here.
"""

from .countersign import (
    awaiting_countersignature_count,
    countersign_decision,
    countersign_evidence,
    countersign_link,
    decisions_awaiting_countersignature,
    first_awaiting_countersignature,
    links_awaiting_countersignature,
    supervised_pairs,
)
from .links import FEEDBACK_MAX, LinkJudgement, judge_all, judge_evidence, judge_link
from .marking import latest_accepted_date, mark_criterion_met, unmark_criterion

__all__ = [
    "FEEDBACK_MAX",
    "LinkJudgement",
    "awaiting_countersignature_count",
    "countersign_decision",
    "countersign_evidence",
    "countersign_link",
    "decisions_awaiting_countersignature",
    "first_awaiting_countersignature",
    "judge_all",
    "judge_evidence",
    "judge_link",
    "latest_accepted_date",
    "links_awaiting_countersignature",
    "mark_criterion_met",
    "supervised_pairs",
    "unmark_criterion",
]
