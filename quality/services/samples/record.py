"""Recording an IQA's sample of a learner's units, with an outcome per decision, feedback and actions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres.access import membership_for
from centres.models import Role, User, record_event
from ledger.services import record as record_in_ledger
from portfolio.models import CountersignStatus, Registration
from qualifications.models import Unit
from quality.models import (
    Outcome,
    RecordChecked,
    SampleDecision,
    SampleKind,
    SampleRecord,
    SampleUnit,
    SamplingPlan,
    worst_outcome,
)
from quality.services.errors import ConflictOfInterest, SampleError
from quality.services.plans import refresh_rates

from .outcome import ActionInput, apply_sample_outcome
from .review import check_may_sample_learner, review_units


def _countersignatory_needed(iqa, plan: SamplingPlan) -> User | None:
    """The countersignatory of an IQA working towards their IQA award at the plan's centre (None when qualified).
    A trainee with nobody named cannot record samples: nobody could make them final."""
    membership = membership_for(iqa, plan.centre_id, Role.IQA)
    if membership is None or not membership.needs_countersignature:
        return None
    if membership.countersignatory_id is None:
        raise SampleError(
            _(
                "You are working towards your IQA award and have no countersignatory; "
                "ask your centre admin to name one before you record samples."
            )
        )
    return membership.countersignatory


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise SampleError(message)
    return value


@transaction.atomic
def record_sample(
    *,
    actor,
    plan: SamplingPlan,
    registration: Registration,
    kind: str,
    unit_ids: list[int],
    outcomes: dict[str, str],
    comments: dict[str, str] | None = None,
    location: str,
    records_checked: list[str] | None = None,
    feedback: str,
    actions: list[ActionInput] | None = None,
) -> SampleRecord:
    """Record the IQA's sample of a learner's units, with an outcome per decision (keys "link-<id>" and
    "decision-<id>", as `review_units` lists them), feedback to the assessor and actions with due dates.

    Summative: agreeing units are signed on the IQA line; a disagreed unit is reopened for the assessor with
    the feedback. Every decision sampled must be one the IQA neither made nor countersigned. The assessor's
    sampling rate is brought up to date afterwards (the risk loop).

    An IQA working towards their IQA award records the sample the same way, but it awaits their
    countersignatory: the signing, reopening and actions (`apply_sample_outcome`) wait for the confirmation."""
    comments = comments or {}
    records_checked = list(dict.fromkeys(records_checked or []))
    actions = actions or []
    # One sample of a learner at a time: later writers wait for this one (and for any sign-off in progress).
    registration = (
        Registration.objects.select_for_update().select_related("centre", "learner", "assessor").get(pk=registration.pk)
    )
    check_may_sample_learner(iqa=actor, plan=plan, registration=registration)
    countersignatory = _countersignatory_needed(actor, plan)
    if kind not in SampleKind.values:
        raise SampleError(_("Choose an interim or a summative sample."))
    location = _require_text(location, "Say where the sampled assessment took place.")
    feedback = _require_text(feedback, "Write your feedback to the assessor.")
    unknown_records = set(records_checked) - set(RecordChecked.values)
    if unknown_records:
        raise SampleError(_("Choose the records you checked from the list."))
    if not unit_ids:
        raise SampleError(_("Choose at least one unit to sample."))
    reviewed = review_units(
        registration=registration,
        kind=kind,
        iqa=actor,
        units=list(Unit.objects.filter(pk__in=set(unit_ids))),
    )
    if len(reviewed) != len(set(unit_ids)):
        raise SampleError(_("Some of the chosen units are not on this learner's plan."))
    items = {item.key: item for review in reviewed for item in review.items}
    for key, outcome in outcomes.items():
        if key not in items:
            raise SampleError(_("Some of the decisions you gave an outcome for are not on the chosen units."))
        if items[key].conflict:
            raise ConflictOfInterest(
                f"You made or countersigned the decision on {items[key].criterion.code} "
                f"({items[key].unit.reference}): an IQA never samples their own decisions."
            )
        if outcome not in Outcome.values:
            raise SampleError(_("Choose agree, agree with actions or disagree for each decision."))
    for review in reviewed:
        if not review.eligible:
            raise SampleError(
                _("Unit %(reference)s cannot be sampled this way: %(why_not)s")
                % {"reference": review.unit.reference, "why_not": review.why_not}
            )
        if not any(item.key in outcomes for item in review.items):
            raise SampleError(
                _("Give an outcome for at least one decision on unit %(reference)s.")
                % {"reference": review.unit.reference}
            )
    today = timezone.localdate()
    clean_actions = []
    for action in actions:
        text = (action.text or "").strip()
        if not text:
            continue
        if action.due_on is None:
            raise SampleError(_("Give each action a due date."))
        if action.due_on < today:
            raise SampleError(_("An action cannot be due in the past."))
        clean_actions.append(ActionInput(text, action.due_on))
    overall = worst_outcome(outcomes.values())
    if Outcome.AGREE_WITH_ACTIONS in outcomes.values() and not clean_actions:
        raise SampleError(_("You agreed with actions: write at least one action for the assessor, with a due date."))

    sample = SampleRecord.objects.create(
        plan=plan,
        registration=registration,
        kind=kind,
        iqa=actor,
        assessor_id=registration.assessor_id,
        location=location,
        records_checked=records_checked,
        outcome=overall,
        feedback=feedback,
        countersign_status=CountersignStatus.AWAITING if countersignatory else CountersignStatus.NOT_REQUIRED,
        proposed_actions=[{"text": a.text, "due_on": a.due_on.isoformat()} for a in clean_actions]
        if countersignatory
        else [],
    )
    unit_results = {}
    for review in reviewed:
        sampled_items = [item for item in review.items if item.key in outcomes]
        unit_outcome = worst_outcome(outcomes[item.key] for item in sampled_items)
        methods = sorted(set().union(*(item.methods for item in sampled_items)))
        SampleUnit.objects.create(sample=sample, unit=review.unit, methods=methods, outcome=unit_outcome)
        SampleDecision.objects.bulk_create(
            SampleDecision(
                sample=sample,
                unit=review.unit,
                link=item.link,
                decision=item.decision,
                assessor_id=item.maker.pk if item.maker else registration.assessor_id,
                outcome=outcomes[item.key],
                comment=(comments.get(item.key) or "").strip(),
            )
            for item in sampled_items
        )
        unit_results[review.unit.reference] = unit_outcome
    record_in_ledger("iqa_sample", sample)
    if countersignatory is None:
        apply_sample_outcome(sample=sample, actions=clean_actions)
    with translation.override("en"):  # the audit history stays in English
        summary = (
            f"{SampleKind(kind).label.split(' (')[0]} sample of {registration.learner} "
            f"({', '.join(unit_results)}): {Outcome(overall).label.lower()}"
        )
    if countersignatory is not None:
        summary += f"; awaiting countersignature by {countersignatory}"
    record_event(
        action="iqa_sample_recorded",
        obj=sample,
        actor=actor,
        registration=registration,
        summary=summary,
        kind=kind,
        plan_id=plan.pk,
        outcome=overall,
        units=unit_results,
        decisions=len(outcomes),
        location=location,
        feedback=feedback,
        countersign_status=sample.countersign_status,
    )
    refresh_rates(plan=plan, actor=actor)
    return sample
