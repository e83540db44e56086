"""Daily reminders (a periodic task, declared in QualityConfig.ready): an IQA action falls due today."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from notifications import kinds
from notifications.services import notify

from .models import Action


def remind_actions_due() -> int:
    """Tell each assessor about their open IQA actions due today (once: the task runs once a day). Returns how many
    were notified."""
    today = timezone.localdate()
    url = reverse("quality:action-list")
    told = 0
    due = Action.objects.awaiting_assessor().filter(due_on=today).select_related("assessor", "sample__plan__centre")
    for action in due.iterator(chunk_size=500):
        notification = notify(
            action.assessor,
            kinds.IQA_ACTION,
            centre=action.sample.plan.centre,
            title=lambda: gettext("An action from your IQA is due today"),
            url=url,
            subject_object=action,
        )
        told += notification is not None
    return told
