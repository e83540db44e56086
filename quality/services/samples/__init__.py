"""IQA sample records: what may be sampled, recording a sample and what follows from it, and the actions it raises.

An IQA never samples a decision they made or countersigned, a learner they assess, or a learner they
declared an interest in. A summative sample that agrees signs the tracking sheet's "IQA signature (if
sampled)" line; one that disagrees reopens the unit for the assessor with the IQA's feedback.

What follows from a sample (`apply_sample_outcome`) happens when its decision is final: at once for a
qualified IQA; for an IQA working towards their IQA award, when their countersignatory confirms it
(quality.services.countersign). The modules of this package hold one concern each; the names callers use are
re-exported here."""

from .actions import close_action, complete_action
from .outcome import ActionInput, apply_sample_outcome, proposed_actions_of
from .record import record_sample
from .review import ReviewItem, ReviewUnit, check_may_sample_learner, review_units

__all__ = [
    "ActionInput",
    "ReviewItem",
    "ReviewUnit",
    "apply_sample_outcome",
    "check_may_sample_learner",
    "close_action",
    "complete_action",
    "proposed_actions_of",
    "record_sample",
    "review_units",
]
