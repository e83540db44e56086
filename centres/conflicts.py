"""Conflicts of interest, decided in one place: every rule that stops someone acting for a learner because of
who they are to that learner, and every message that says so.

- A declared personal interest (PersonalInterest) stops the staff member assessing, quality-assuring, judging
  evidence, marking criteria met, countersigning, signing the tracking sheet in any role, sampling and signing
  EQS for that learner.
- An IQA is independent of the learner: never the learner, their assessor or their tutor (delivery), never someone
  who made or countersigned decisions on the work, and never someone with a declared interest.
- Nobody confirms their own decision (countersigns it, or samples it as IQA).

The rules read only centres data. What the higher apps know (whether someone made or countersigned decisions,
interests already loaded for a whole page) they pass in as facts. `registration` is anything with `centre_id`,
`learner_id`, `assessor_id` and (optionally) `tutor_id`: the portfolio's Registration, without importing it.

Each check returns the refusal message, or None when there is no conflict; the calling service raises its own
NotAllowed error with that message, so views answer it with 403."""

from __future__ import annotations

from collections.abc import Collection

from core.compiled import CompiledRead

from .models import PersonalInterest


class Act:
    """What the person was about to do, as the refusal message words it."""

    ASSESS = "be their assessor"
    QUALITY_ASSURE = "be their IQA"
    TUTOR = "be their tutor"
    JUDGE = "judge their evidence"
    MARK_MET = "mark their criteria met"
    COUNTERSIGN = "countersign decisions on their work"
    SIGN = "sign their tracking sheets"
    SIGN_IQA = "sign their tracking sheets as IQA"
    SIGN_EQS = "sign their tracking sheets as EQS"
    SAMPLE = "sample their work"
    COUNTERSIGN_SAMPLE = "countersign a sample of their work"
    CHECK_RPL = "check an RPL decision on their work"


def _pk(person) -> int | None:
    return getattr(person, "pk", person)


def has_declared_interest(staff, registration) -> bool:
    """Whether the staff member declared a personal interest in the registration's learner at its centre."""
    return bool(
        _declared_interest(centre_id=registration.centre_id, staff_id=_pk(staff), learner_id=registration.learner_id)
    )


_declared_interest = CompiledRead(
    lambda centre_id, staff_id, learner_id: PersonalInterest.objects.declared(
        centre=centre_id, staff=staff_id, learner=learner_id
    ).values_list("pk", flat=True)[:1]
)


def interested_learner_ids(staff, centre) -> set[int]:
    """The learners (user ids) the staff member declared an interest in at the centre: one query for a page."""
    return set(_interested_learner_ids(centre_id=_pk(centre), staff_id=_pk(staff)))


_interested_learner_ids = CompiledRead(
    lambda centre_id, staff_id: PersonalInterest.objects.declared(centre=centre_id, staff=staff_id).values_list(
        "learner_id", flat=True
    )
)


def interest_conflict(
    staff, registration, act: str, *, interested: bool | None = None, named: bool = False
) -> str | None:
    """A declared personal interest stops `act`. `interested` is the fact when the caller has it loaded already;
    `named` words the message about the staff member (a centre admin choosing them) rather than to them."""
    if interested is None:
        interested = has_declared_interest(staff, registration)
    if not interested:
        return None
    if named:
        return f"{staff} has declared a personal interest in this learner and may not {act}."
    return f"You have declared a personal interest in this learner, so you may not {act}."


def iqa_conflict(
    iqa,
    registration,
    act: str = Act.SAMPLE,
    *,
    involved: bool = False,
    interested: bool | None = None,
) -> str | None:
    """The IQA is not independent of the learner: they are the learner, the learner's assessor or tutor, made or
    countersigned decisions on the work (`involved`, which the caller knows), or declared an interest."""
    iqa_id = _pk(iqa)
    if iqa_id == registration.learner_id:
        return "You cannot quality-assure your own portfolio."
    if iqa_id == registration.assessor_id:
        return f"You are this learner's assessor, so another IQA must {act}."
    if iqa_id is not None and iqa_id == getattr(registration, "tutor_id", None):
        return (
            f"You are this learner's tutor: an IQA takes no part in the learner's delivery, so another IQA must {act}."
        )
    if involved:
        return f"You made or countersigned decisions on this learner's work, so you may not {act}."
    return interest_conflict(iqa, registration, act, interested=interested)


def iqa_may_sample(iqa_id: int, registration, *, interests: Collection[int], makers: Collection[int]) -> bool:
    """The same rule as iqa_conflict, from facts a page has loaded for every learner at once (no queries):
    `interests` the learner ids the IQA declared an interest in, `makers` who made or countersigned the work."""
    return (
        iqa_conflict(
            iqa_id,
            registration,
            involved=iqa_id in makers,
            interested=registration.learner_id in interests,
        )
        is None
    )


def own_decision_conflict(actor, maker) -> str | None:
    """Nobody confirms their own decision."""
    if maker is not None and _pk(actor) == _pk(maker):
        return "You cannot confirm a decision of your own: another qualified colleague must countersign it."
    return None


def iqa_delivery_conflict(*, iqa, assessor=None, tutor=None) -> str | None:
    """The learner's IQA takes no part in delivering or assessing their learning: never their assessor or tutor."""
    iqa_id = _pk(iqa)
    if iqa_id is None:
        return None
    if iqa_id == _pk(assessor):
        return "The IQA must not be the learner's assessor: choose someone else."
    if iqa_id == _pk(tutor):
        return "The IQA must not be the learner's tutor: an IQA takes no part in the learner's delivery."
    return None
