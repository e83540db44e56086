"""The risk loop: sample outcomes and experience set each assessor's risk, and the risk sets their sampling rate.

The rule, in the words the plan page shows:

- an assessor working towards their assessing award, or new to the qualification (fewer than
  NEW_TO_QUALIFICATION_UNITS units signed off on it), has every decision sampled: 100%;
- otherwise the base rate is 25% while they build experience (fewer than EXPERIENCED_UNITS signed units)
  and 10% once experienced;
- in the last RISK_LOOKBACK_DAYS, a sample with actions or an overdue action raises the rate to at
  least 25%, one sample with a disagreement to at least 50%, and two or more to 100% (only final samples
  count: a trainee IQA's sample once its countersignatory confirmed it).

An IQA may override the rate for a plan, with a reason; the override is shown beside the computed rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Value
from django.utils import timezone

from centres.models import CompetenceStatus, Membership, Role
from core.compiled import CompiledRead
from tracking.models import Signature, SignatureRole

from ..models import FINAL_COUNTERSIGN_STATUSES, Action, Outcome, PlanAssessor, Risk, SampleDecision, SamplingPlan

NEW_TO_QUALIFICATION_UNITS = 3
EXPERIENCED_UNITS = 10
RISK_LOOKBACK_DAYS = 183

RATE_EXPERIENCED = 10
RATE_BUILDING = 25
RATE_ACTIONS = 25
RATE_ONE_DISAGREEMENT = 50
RATE_FULL = 100


@dataclass
class AssessorRate:
    assessor_id: int
    rate_percent: int
    risk: str
    reasons: list[str] = field(default_factory=list)
    computed_rate: int | None = None  # the rule's rate, when an override replaced it
    overridden: bool = False
    override_reason: str = ""

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def _risk_for(rate: int) -> str:
    if rate >= RATE_ONE_DISAGREEMENT:
        return Risk.HIGH
    if rate >= RATE_BUILDING:
        return Risk.MEDIUM
    return Risk.LOW


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def _kind(name: str) -> Value:
    return Value(name, output_field=CharField())


def _no_outcome() -> Value:
    return Value("", output_field=CharField())


def _record_rows_query(*, assessor_ids: list[int], qualification_id: int, since, today):
    signed_counts = (
        Signature.objects.live()
        .filter(
            role=SignatureRole.ASSESSOR,
            user_id__in=assessor_ids,
            sign_off__registration__qualification_id=qualification_id,
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("sign_off", distinct=True))
        .values_list(_kind("signed"), "user_id", _no_outcome(), "n")
    )
    sample_outcomes = (
        SampleDecision.objects.filter(
            assessor_id__in=assessor_ids,
            sample__sampled_at__gte=since,
            # Only final decisions: a trainee IQA's sample counts once countersigned, a returned one never.
            sample__countersign_status__in=FINAL_COUNTERSIGN_STATUSES,
            outcome__in=[Outcome.DISAGREE, Outcome.AGREE_WITH_ACTIONS],
        )
        .order_by()
        .values("assessor_id", "outcome")
        .annotate(n=Count("sample", distinct=True))
        .values_list(_kind("outcome"), "assessor_id", "outcome", "n")
    )
    overdue_actions = (
        Action.objects.awaiting_assessor()
        .filter(assessor_id__in=assessor_ids, due_on__lt=today)
        .order_by()
        .values("assessor_id")
        .annotate(n=Count("id"))
        .values_list(_kind("overdue"), "assessor_id", _no_outcome(), "n")
    )
    return signed_counts.union(sample_outcomes, overdue_actions, all=True)


_record_rows = CompiledRead(_record_rows_query)


def compute_rates(
    *,
    centre_id: int,
    qualification_id: int,
    assessor_ids: list[int],
    today: dt.date | None = None,
    working_towards: set[int] | None = None,
) -> dict[int, AssessorRate]:
    """Each assessor's rate by the rule above, in two queries whatever the number of assessors (one when the
    caller knows who at the centre works towards their assessing award)."""
    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=RISK_LOOKBACK_DAYS)
    if not assessor_ids:
        return {}
    if working_towards is None:
        working_towards = set(
            Membership.objects.active()
            .filter(
                centre_id=centre_id,
                role=Role.ASSESSOR,
                user_id__in=assessor_ids,
                status=CompetenceStatus.WORKING_TOWARDS,
            )
            .values_list("user_id", flat=True)
        )
    # The assessors' record in one query: units signed off on the qualification, final samples that disagreed or
    # agreed with actions, and overdue actions, each counted by assessor (a UNION of the three counts).
    signed_units: dict[int, int] = {}
    outcomes: dict[tuple[int, str], int] = {}
    overdue: dict[int, int] = {}
    rows = _record_rows(assessor_ids=sorted(assessor_ids), qualification_id=qualification_id, since=since, today=today)
    for kind, assessor_id, outcome, n in rows:
        if kind == "signed":
            signed_units[assessor_id] = n
        elif kind == "outcome":
            outcomes[(assessor_id, outcome)] = n
        else:
            overdue[assessor_id] = n

    rates = {}
    months = round(RISK_LOOKBACK_DAYS / 30.5)
    for assessor_id in assessor_ids:
        signed = signed_units.get(assessor_id, 0)
        reasons: list[str] = []
        if assessor_id in working_towards:
            rate = RATE_FULL
            reasons.append("Working towards their assessing award: every decision is sampled (100%).")
        elif signed < NEW_TO_QUALIFICATION_UNITS:
            rate = RATE_FULL
            reasons.append(
                f"New to this qualification ({_plural(signed, 'unit')} signed off, fewer than "
                f"{NEW_TO_QUALIFICATION_UNITS}): every decision is sampled (100%)."
            )
        elif signed < EXPERIENCED_UNITS:
            rate = RATE_BUILDING
            reasons.append(
                f"Building experience on this qualification ({_plural(signed, 'unit')} signed off, fewer than "
                f"{EXPERIENCED_UNITS}): base rate {RATE_BUILDING}%."
            )
        else:
            rate = RATE_EXPERIENCED
            reasons.append(
                f"Experienced on this qualification ({_plural(signed, 'unit')} signed off): base rate "
                f"{RATE_EXPERIENCED}%."
            )

        disagreements = outcomes.get((assessor_id, Outcome.DISAGREE), 0)
        with_actions = outcomes.get((assessor_id, Outcome.AGREE_WITH_ACTIONS), 0)
        late = overdue.get(assessor_id, 0)
        if disagreements >= 2:
            if rate < RATE_FULL:
                reasons.append(
                    f"Raised to {RATE_FULL}%: {_plural(disagreements, 'sample')} with a disagreement in the last "
                    f"{months} months."
                )
            rate = RATE_FULL
        elif disagreements == 1:
            if rate < RATE_ONE_DISAGREEMENT:
                reasons.append(
                    f"Raised to {RATE_ONE_DISAGREEMENT}%: 1 sample with a disagreement in the last {months} months."
                )
                rate = RATE_ONE_DISAGREEMENT
        if with_actions or late:
            causes = []
            if with_actions:
                causes.append(f"{_plural(with_actions, 'sample')} agreed with actions")
            if late:
                causes.append(f"{_plural(late, 'action')} overdue")
            if rate < RATE_ACTIONS:
                reasons.append(f"Raised to {RATE_ACTIONS}%: {' and '.join(causes)} in the last {months} months.")
                rate = RATE_ACTIONS
        if not (disagreements or with_actions or late) and rate < RATE_FULL:
            reasons.append(f"No disagreements or outstanding actions in the last {months} months.")
        rates[assessor_id] = AssessorRate(
            assessor_id=assessor_id, rate_percent=rate, risk=_risk_for(rate), reasons=reasons
        )
    return rates


_overrides = CompiledRead(
    lambda plan_id, assessor_ids: PlanAssessor.objects.filter(
        plan_id=plan_id, overridden=True, assessor_id__in=assessor_ids
    )
)


def assessor_rates(
    plan: SamplingPlan, assessor_ids: list[int], *, working_towards: set[int] | None = None
) -> dict[int, AssessorRate]:
    """The rate each assessor is sampled at in the plan: the rule's rate, or the IQA's override (with both shown)."""
    rates = compute_rates(
        centre_id=plan.centre_id,
        qualification_id=plan.qualification_id,
        assessor_ids=assessor_ids,
        working_towards=working_towards,
    )
    for row in _overrides(plan_id=plan.pk, assessor_ids=sorted(assessor_ids)):
        computed = rates[row.assessor_id]
        rates[row.assessor_id] = AssessorRate(
            assessor_id=row.assessor_id,
            rate_percent=row.rate_percent,
            risk=_risk_for(row.rate_percent),
            reasons=computed.reasons + [f"Set to {row.rate_percent}% by the IQA: {row.override_reason}"],
            computed_rate=computed.rate_percent,
            overridden=True,
            override_reason=row.override_reason,
        )
    return rates
