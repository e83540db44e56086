"""The kinds of notification: what each is called, what it is for and how it is emailed unless a person chooses.

An app declares its own kinds at import time (in its `AppConfig.ready()` or beside the service that sends them):

    from notifications.kinds import Delivery, register_kind

    register_kind("plan_item_due", label=_("A plan item is due"), description=_("..."), default=Delivery.DIGEST)

and then calls `notifications.services.notify(recipient, "plan_item_due", ...)`. The settings page lists every
registered kind, in the order they were declared.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a person is emailed about a kind. The notification always shows in the product (the bell)."""

    IMMEDIATE = "immediate", _("Email at once")
    DIGEST = "digest", _("Daily digest email")
    OFF = "off", _("No email")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    default: str = Delivery.IMMEDIATE


REGISTRY: dict[str, Kind] = {}


def register_kind(key: str, *, label, description="", default: str = Delivery.IMMEDIATE) -> Kind:
    """Declare a kind (declaring a key again replaces it)."""
    if default not in Delivery.values:
        raise ValueError(f"Unknown delivery {default!r} for kind {key!r}.")
    if not key or len(key) > 40:
        raise ValueError("A kind's key is 1 to 40 characters.")
    kind = Kind(key=key, label=label, description=description, default=default)
    REGISTRY[key] = kind
    return kind


def get_kind(key: str) -> Kind:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValueError(f"No notification kind {key!r} is registered.") from None


def all_kinds() -> list[Kind]:
    return list(REGISTRY.values())


# The kinds issue 15 lists. Apps above may declare more.
EVIDENCE_SUBMITTED = "evidence_submitted"
EVIDENCE_JUDGED = "evidence_judged"
SHEET_READY_TO_SIGN = "sheet_ready_to_sign"
COUNTERSIGNATURE_NEEDED = "countersignature_needed"
IQA_ACTION = "iqa_action"
EQA_COMMENT = "eqa_comment"
PLAN_ITEM_DUE = "plan_item_due"
VISIT_TOMORROW = "visit_tomorrow"

register_kind(
    EVIDENCE_SUBMITTED,
    label=_("Evidence submitted"),
    description=_("A learner you assess submitted evidence for you to judge."),
)
register_kind(
    EVIDENCE_JUDGED,
    label=_("Decision and feedback"),
    description=_("Your assessor judged your evidence or gave feedback."),
)
register_kind(
    SHEET_READY_TO_SIGN,
    label=_("Sheet ready to sign"),
    description=_("A unit's tracking sheet is waiting for your signature."),
)
register_kind(
    COUNTERSIGNATURE_NEEDED,
    label=_("Countersignature needed"),
    description=_("A trainee you countersign for made a decision that waits for you."),
    default=Delivery.DIGEST,
)
register_kind(
    IQA_ACTION,
    label=_("IQA action raised or due"),
    description=_("Your internal quality assurer raised an action for you, or one is due."),
)
register_kind(
    EQA_COMMENT,
    label=_("EQA comment"),
    description=_("The external quality assurer commented on a shared sample."),
)
register_kind(
    PLAN_ITEM_DUE,
    label=_("Plan item due or overdue"),
    description=_("An item of an assessment plan is due soon or overdue."),
    default=Delivery.DIGEST,
)
register_kind(
    VISIT_TOMORROW,
    label=_("Visit tomorrow"),
    description=_("You have an assessment visit tomorrow."),
)
