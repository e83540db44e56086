"""Domain errors of quality assurance: each message is written to be shown to the person who acted."""

import core.errors


class QualityError(core.errors.DomainError):
    """A quality-assurance rule was broken; the message is meant for the user."""


class NotAllowed(QualityError, core.errors.NotAllowed):
    """The acting person's role or assignment does not allow this (a 403)."""


class PlanError(QualityError):
    pass


class ConflictOfInterest(NotAllowed):
    """The IQA would quality-assure their own decisions, their own learner, or a learner they have an interest in."""


class SampleError(QualityError):
    pass


class ActionError(QualityError):
    pass


class ShareError(QualityError):
    pass


class ClaimError(QualityError):
    pass


class CountersignError(QualityError):
    """A trainee IQA's sample cannot be confirmed or returned as asked (the reason is for the person acting)."""
