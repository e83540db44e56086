"""The actions a sample raises: the assessor completes each one, an IQA closes it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Role, record_event
from quality.models import Action, SampleRecord
from quality.services.errors import ActionError, NotAllowed


@transaction.atomic
def complete_action(*, actor, action: Action, note: str) -> Action:
    """The assessor says what they did about an action; the IQA then closes it."""
    action = Action.objects.select_for_update().select_related("sample__registration").get(pk=action.pk)
    if action.assessor_id != actor.pk:
        raise NotAllowed(_("Only the assessor the action was set for can complete it."))
    if action.closed_at is not None:
        raise ActionError(_("This action is already closed."))
    if action.completed_at is not None:
        raise ActionError(_("You have already completed this action; the IQA will close it."))
    note = (note or "").strip()
    if not note:
        raise ActionError(_("Say what you did to complete the action."))
    action.completed_at, action.completed_note = timezone.now(), note
    action.save(update_fields=["completed_at", "completed_note"])
    registration = action.sample.registration
    record_event(
        action="iqa_action_completed",
        obj=action,
        actor=actor,
        registration=registration,
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
        raise NotAllowed(_("Only an IQA of this centre can close an action."))
    if actor.pk == action.assessor_id:
        raise NotAllowed(_("You cannot close an action set for you."))
    if action.closed_at is not None:
        raise ActionError(_("This action is already closed."))
    if action.completed_at is None:
        raise ActionError(_("The assessor has not completed this action yet."))
    action.closed_at, action.closed_by, action.close_note = timezone.now(), actor, (note or "").strip()
    action.save(update_fields=["closed_at", "closed_by", "close_note"])
    record_event(
        action="iqa_action_closed",
        obj=action,
        actor=actor,
        registration=registration,
        summary=f"{actor} closed an action for {action.assessor}"
        + (f": {action.close_note}" if action.close_note else ""),
        sample_id=action.sample_id,
    )
    sample = SampleRecord.objects.select_for_update().get(pk=action.sample_id)
    if not sample.actions.open().exists() and sample.status != SampleRecord.Status.COMPLETE:
        sample.status = SampleRecord.Status.COMPLETE
        sample.save(update_fields=["status"])
    return action
