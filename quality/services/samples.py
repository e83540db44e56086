"""IQA sample records: what may be sampled, recording a sample and what follows from it, and the actions it raises.

An IQA never samples a decision they made or countersigned, a learner they assess, or a learner they
declared an interest in. A summative sample that agrees signs the tracking sheet's "IQA signature (if
sampled)" line; one that disagrees reopens the unit for the assessor with the IQA's feedback.

What follows from a sample (`apply_sample_outcome`) happens when its decision is final: at once for a
qualified IQA; for an IQA working towards their IQA award, when their countersignatory confirms it
(quality.services.countersign)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from centres import conflicts
from centres.access import has_role, membership_for
from centres.models import Role, User, record_event
from portfolio.models import CountersignStatus, CriterionDecision, Evidence, EvidenceLink, Registration
from portfolio.progress import UnitStatus, unit_statuses
from qualifications.models import AssessmentCriterion, Unit
from tracking.models import SignatureRole
from tracking.selectors import SignOffState, signoff_states
from tracking.services.signoff import SignOffError, reopen_unit, sign_unit

from ..models import (
    Action,
    Outcome,
    RecordChecked,
    SampleDecision,
    SampleKind,
    SampleRecord,
    SampleUnit,
    SamplingPlan,
    worst_outcome,
)
from ..selectors import pending_summative_units
from .errors import ActionError, ConflictOfInterest, NotAllowed, SampleError
from .plans import refresh_rates, require_iqa

# --- What may be sampled -------------------------------------------------------------------------------------


@dataclass
class ReviewItem:
    """One assessment decision the IQA can give an outcome for."""

    key: str  # "link-<id>" or "decision-<id>": the form field's name
    unit: Unit
    criterion: AssessmentCriterion
    link: EvidenceLink | None
    decision: CriterionDecision | None
    maker: User | None
    countersigner: User | None
    evidence: list[Evidence]
    conflict: bool  # the IQA made or countersigned it

    @property
    def is_judgement(self) -> bool:
        return self.link is not None

    @property
    def description(self) -> str:
        if self.link is not None:
            return f"Evidence {self.link.evidence.reference} judged {self.link.get_status_display().lower()}"
        if self.decision.is_met:
            met_on = f" on {self.decision.met_on:%d %b %Y}" if self.decision.met_on else ""
            return f"Criterion marked met{met_on}"
        return "Criterion marked not met"

    @property
    def methods(self) -> set[str]:
        return {method.code for evidence in self.evidence for method in evidence.methods.all()}


@dataclass
class ReviewUnit:
    unit: Unit
    status: UnitStatus
    state: SignOffState
    items: list[ReviewItem] = field(default_factory=list)
    why_not: str = ""  # why this unit cannot be sampled this way, empty when it can

    @property
    def eligible(self) -> bool:
        return not self.why_not

    @property
    def open_items(self) -> list[ReviewItem]:
        return [item for item in self.items if not item.conflict]


def _why_not(kind: str, state: SignOffState, items: list[ReviewItem], pending: SampleRecord | None = None) -> str:
    live = state.live
    if kind == SampleKind.INTERIM:
        if SignatureRole.ASSESSOR in live:
            return "Signed by the assessor: take a summative sample instead."
        if not items:
            return "No assessment decisions yet."
    else:
        if not state.signed_off:
            if SignatureRole.ASSESSOR in live:
                return "Awaiting the countersignatory's signature."
            return "Not signed off yet: take an interim sample instead."
        if state.content_changed:
            return "The sheet has changed since it was signed: the assessor must reopen it."
        if SignatureRole.IQA in live:
            return "Already sampled and signed by an IQA."
        if SignatureRole.EQA in live:
            return "Already signed by the EQS."
        if pending is not None:
            return f"{pending.iqa}'s summative sample of this unit is awaiting countersignature."
    if items and not any(not item.conflict for item in items):
        return "You made or countersigned every decision on this unit: another IQA must sample it."
    return ""


def review_units(*, registration: Registration, kind: str, iqa, units: list[Unit] | None = None) -> list[ReviewUnit]:
    """Each unit of the learner's plan (or the given ones) with the decisions an IQA can review and whether
    the unit can be sampled this way. A fixed number of queries whatever the number of criteria and evidence."""
    statuses = unit_statuses(registration, units)
    states = signoff_states(registration, statuses)
    user_ids = set()
    for status in statuses:
        for criterion_status in status.criteria:
            decision = criterion_status.decision
            if decision is not None:
                user_ids.update(u for u in (decision.decided_by_id, decision.countersigned_by_id) if u)
            for link in criterion_status.links:
                user_ids.update(u for u in (link.judged_by_id, link.countersigned_by_id) if u)
    users = User.objects.in_bulk(user_ids)
    pending = {}
    if kind == SampleKind.SUMMATIVE:
        # A summative sample awaiting countersignature will sign or reopen the unit: nobody samples it meanwhile.
        units = pending_summative_units(registration, [status.unit.pk for status in statuses])
        for sample_unit in units.select_related("sample__iqa"):
            pending[sample_unit.unit_id] = sample_unit.sample
    result = []
    for status in statuses:
        items = []
        for criterion_status in status.criteria:
            if not criterion_status.required:
                continue
            criterion = criterion_status.criterion
            for link in criterion_status.links:
                if link.status == EvidenceLink.Status.PENDING or link.judged_by_id is None:
                    continue
                makers = {link.judged_by_id, link.countersigned_by_id}
                items.append(
                    ReviewItem(
                        key=f"link-{link.pk}",
                        unit=status.unit,
                        criterion=criterion,
                        link=link,
                        decision=None,
                        maker=users.get(link.judged_by_id),
                        countersigner=users.get(link.countersigned_by_id),
                        evidence=[link.evidence],
                        conflict=iqa.pk in makers,
                    )
                )
            decision = criterion_status.decision
            if decision is not None:
                makers = {decision.decided_by_id, decision.countersigned_by_id}
                items.append(
                    ReviewItem(
                        key=f"decision-{decision.pk}",
                        unit=status.unit,
                        criterion=criterion,
                        link=None,
                        decision=decision,
                        maker=users.get(decision.decided_by_id),
                        countersigner=users.get(decision.countersigned_by_id),
                        evidence=criterion_status.accepted_evidence,
                        conflict=iqa.pk in makers,
                    )
                )
        state = states[status.unit.pk]
        why_not = _why_not(kind, state, items, pending.get(status.unit.pk))
        result.append(ReviewUnit(status.unit, status, state, items, why_not))
    return result


def check_may_sample_learner(*, iqa, plan: SamplingPlan, registration: Registration) -> None:
    """Raise unless the IQA may sample this learner under this plan (IQA of the centre, not their assessor,
    not themselves, no declared interest, the plan's qualification)."""
    require_iqa(iqa, plan.centre)
    if registration.centre_id != plan.centre_id or registration.qualification_id != plan.qualification_id:
        raise SampleError("This learner is not on this plan's qualification at this centre.")
    if problem := conflicts.iqa_conflict(iqa, registration, conflicts.Act.SAMPLE):
        raise ConflictOfInterest(problem)


# --- Recording a sample ---------------------------------------------------------------------------------------


def _countersignatory_needed(iqa, plan: SamplingPlan) -> User | None:
    """The countersignatory of an IQA working towards their IQA award at the plan's centre (None when qualified).
    A trainee with nobody named cannot record samples: nobody could make them final."""
    membership = membership_for(iqa, plan.centre_id, Role.IQA)
    if membership is None or not membership.needs_countersignature:
        return None
    if membership.countersignatory_id is None:
        raise SampleError(
            "You are working towards your IQA award and have no countersignatory; ask your centre admin to name "
            "one before you record samples."
        )
    return membership.countersignatory


@dataclass(frozen=True)
class ActionInput:
    text: str
    due_on: dt.date


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
        raise SampleError("Choose an interim or a summative sample.")
    location = _require_text(location, "Say where the sampled assessment took place.")
    feedback = _require_text(feedback, "Write your feedback to the assessor.")
    unknown_records = set(records_checked) - set(RecordChecked.values)
    if unknown_records:
        raise SampleError("Choose the records you checked from the list.")
    if not unit_ids:
        raise SampleError("Choose at least one unit to sample.")
    reviewed = review_units(
        registration=registration,
        kind=kind,
        iqa=actor,
        units=list(Unit.objects.filter(pk__in=set(unit_ids))),
    )
    if len(reviewed) != len(set(unit_ids)):
        raise SampleError("Some of the chosen units are not on this learner's plan.")
    items = {item.key: item for review in reviewed for item in review.items}
    for key, outcome in outcomes.items():
        if key not in items:
            raise SampleError("Some of the decisions you gave an outcome for are not on the chosen units.")
        if items[key].conflict:
            raise ConflictOfInterest(
                f"You made or countersigned the decision on {items[key].criterion.code} "
                f"({items[key].unit.reference}): an IQA never samples their own decisions."
            )
        if outcome not in Outcome.values:
            raise SampleError("Choose agree, agree with actions or disagree for each decision.")
    for review in reviewed:
        if not review.eligible:
            raise SampleError(f"Unit {review.unit.reference} cannot be sampled this way: {review.why_not}")
        if not any(item.key in outcomes for item in review.items):
            raise SampleError(f"Give an outcome for at least one decision on unit {review.unit.reference}.")
    today = timezone.localdate()
    clean_actions = []
    for action in actions:
        text = (action.text or "").strip()
        if not text:
            continue
        if action.due_on is None:
            raise SampleError("Give each action a due date.")
        if action.due_on < today:
            raise SampleError("An action cannot be due in the past.")
        clean_actions.append(ActionInput(text, action.due_on))
    overall = worst_outcome(outcomes.values())
    if Outcome.AGREE_WITH_ACTIONS in outcomes.values() and not clean_actions:
        raise SampleError("You agreed with actions: write at least one action for the assessor, with a due date.")

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
    if countersignatory is None:
        apply_sample_outcome(sample=sample, actions=clean_actions)
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
        centre=registration.centre,
        registration_id=registration.pk,
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


def apply_sample_outcome(*, sample: SampleRecord, actions: list[ActionInput], countersigned_by=None) -> None:
    """What makes a sample's decision final, applied once: for a summative sample, each unit agreed is signed on
    the IQA line in the sampling IQA's name and each unit disagreed is reopened for the assessor with the
    feedback; the actions are raised for the assessor. `record_sample` calls this for a qualified IQA, and
    `countersign_sample` when the countersignatory confirms a trainee IQA's sample (`countersigned_by`, named in
    the history). Runs inside the caller's transaction, with the registration locked."""
    registration = sample.registration
    iqa = sample.iqa
    if sample.kind == SampleKind.SUMMATIVE:
        for sample_unit in sample.units.select_related("unit"):
            unit = sample_unit.unit
            try:
                if sample_unit.outcome == Outcome.DISAGREE:
                    reopen_unit(
                        registration=registration,
                        unit=unit,
                        user=iqa,
                        reason=f"IQA sample disagreed: {sample.feedback}",
                        by_iqa_sample=True,
                        countersigned_by=countersigned_by,
                    )
                    sample_unit.result = SampleUnit.Result.REOPENED
                else:
                    sign_unit(
                        registration=registration,
                        unit=unit,
                        user=iqa,
                        role=SignatureRole.IQA,
                        countersigned_by=countersigned_by,
                    )
                    sample_unit.result = SampleUnit.Result.IQA_SIGNED
            except SignOffError as exc:
                raise SampleError(f"Unit {unit.reference}: {exc}") from exc
            sample_unit.save(update_fields=["result"])
    confirmed = f" (sample countersigned by {countersigned_by})" if countersigned_by is not None else ""
    for action in actions:
        created = Action.objects.create(
            sample=sample, assessor_id=sample.assessor_id, text=action.text, due_on=action.due_on
        )
        record_event(
            action="iqa_action_set",
            obj=created,
            actor=iqa,
            centre=registration.centre,
            registration_id=registration.pk,
            summary=f"Action for {sample.assessor} due {action.due_on:%d %b %Y}: {action.text}{confirmed}",
            sample_id=sample.pk,
            due_on=action.due_on.isoformat(),
            **({"countersigned_by": countersigned_by.pk} if countersigned_by is not None else {}),
        )
    status = SampleRecord.Status.ACTIONS_OPEN if actions else SampleRecord.Status.COMPLETE
    if sample.status != status:
        sample.status = status
        sample.save(update_fields=["status"])


def proposed_actions_of(sample: SampleRecord) -> list[ActionInput]:
    """The actions a trainee IQA set, kept on the sample until it is countersigned."""
    return [ActionInput(action["text"], dt.date.fromisoformat(action["due_on"])) for action in sample.proposed_actions]


# --- Actions ------------------------------------------------------------------------------------------------


@transaction.atomic
def complete_action(*, actor, action: Action, note: str) -> Action:
    """The assessor says what they did about an action; the IQA then closes it."""
    action = Action.objects.select_for_update().select_related("sample__registration").get(pk=action.pk)
    if action.assessor_id != actor.pk:
        raise NotAllowed("Only the assessor the action was set for can complete it.")
    if action.closed_at is not None:
        raise ActionError("This action is already closed.")
    if action.completed_at is not None:
        raise ActionError("You have already completed this action; the IQA will close it.")
    note = (note or "").strip()
    if not note:
        raise ActionError("Say what you did to complete the action.")
    action.completed_at, action.completed_note = timezone.now(), note
    action.save(update_fields=["completed_at", "completed_note"])
    registration = action.sample.registration
    record_event(
        action="iqa_action_completed",
        obj=action,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{actor} completed an action: {note}",
        sample_id=action.sample_id,
    )
    return action


@transaction.atomic
def close_action(*, actor, action: Action, note: str = "") -> Action:
    """An IQA of the centre closes a completed action; the sample is complete once all its actions are closed."""
    action = Action.objects.select_for_update().select_related("sample__registration__centre").get(pk=action.pk)
    registration = action.sample.registration
    if not has_role(actor, Role.IQA, registration.centre_id):
        raise NotAllowed("Only an IQA of this centre can close an action.")
    if actor.pk == action.assessor_id:
        raise NotAllowed("You cannot close an action set for you.")
    if action.closed_at is not None:
        raise ActionError("This action is already closed.")
    if action.completed_at is None:
        raise ActionError("The assessor has not completed this action yet.")
    action.closed_at, action.closed_by, action.close_note = timezone.now(), actor, (note or "").strip()
    action.save(update_fields=["closed_at", "closed_by", "close_note"])
    record_event(
        action="iqa_action_closed",
        obj=action,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{actor} closed an action for {action.assessor}"
        + (f": {action.close_note}" if action.close_note else ""),
        sample_id=action.sample_id,
    )
    sample = SampleRecord.objects.select_for_update().get(pk=action.sample_id)
    if not sample.actions.open().exists() and sample.status != SampleRecord.Status.COMPLETE:
        sample.status = SampleRecord.Status.COMPLETE
        sample.save(update_fields=["status"])
    return action
