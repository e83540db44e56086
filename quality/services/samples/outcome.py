"""What follows from a sample once its decision is final: units signed or reopened, actions raised."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from centres.models import record_event
from notifications import kinds
from notifications.services import notify
from quality.models import Action, Outcome, SampleKind, SampleRecord, SampleUnit
from quality.services.errors import SampleError
from tracking.models import SignatureRole
from tracking.services.signoff import SignOffError, reopen_unit, sign_unit


@dataclass(frozen=True)
class ActionInput:
    text: str
    due_on: dt.date


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
                raise SampleError(_("Unit %(reference)s: %(exc)s") % {"reference": unit.reference, "exc": exc}) from exc
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
            registration=registration,
            summary=f"Action for {sample.assessor} due {action.due_on:%d %b %Y}: {action.text}{confirmed}",
            sample_id=sample.pk,
            due_on=action.due_on.isoformat(),
            **({"countersigned_by": countersigned_by.pk} if countersigned_by is not None else {}),
        )
        notify(
            sample.assessor,
            kinds.IQA_ACTION,
            centre=registration.centre,
            title=lambda due_on=action.due_on: (
                gettext("Your IQA raised an action for you, due %(due)s") % {"due": f"{due_on:%d %b %Y}"}
            ),
            url=reverse("quality:action-list"),
            actor=iqa,
            subject_object=created,
        )
    status = SampleRecord.Status.ACTIONS_OPEN if actions else SampleRecord.Status.COMPLETE
    if sample.status != status:
        sample.status = status
        sample.save(update_fields=["status"])


def proposed_actions_of(sample: SampleRecord) -> list[ActionInput]:
    """The actions a trainee IQA set, kept on the sample until it is countersigned."""
    return [ActionInput(action["text"], dt.date.fromisoformat(action["due_on"])) for action in sample.proposed_actions]
