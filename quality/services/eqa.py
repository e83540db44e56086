"""Sharing registrations with an external quality assurer, their comments and their EQS signature.

A centre admin shares a set of registrations (whole, or some of their units) with an EQA linked to the
centre, for a period. The EQA reads only what is shared, only within the period (portfolio.access
scopes every lookup), and loses access the day after the share ends or as soon as it is revoked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Centre, EqaLink, Role, record_event
from notifications import kinds
from notifications.services import notify
from portfolio.access import active_eqa_share_items, eqa_can_see_unit
from portfolio.models import EqaShare, EqaShareItem, Registration, RegistrationUnit
from qualifications.models import Unit
from tracking.models import Signature, SignatureRole
from tracking.services.signoff import sign_unit

from ..models import EqaComment
from .errors import NotAllowed, ShareError

MAX_SHARE_DAYS = 366


@dataclass(frozen=True)
class ShareItemInput:
    registration: Registration
    unit: Unit | None = None  # None: the whole registration


DUPLICATE_WINDOW = dt.timedelta(minutes=10)


def require_centre_admin(actor, centre: Centre) -> None:
    if not has_role(actor, Role.CENTRE_ADMIN, centre):
        raise NotAllowed(_("Only a centre admin at %(centre)s may do this.") % {"centre": centre})


@transaction.atomic
def share_with_eqa(
    *,
    actor,
    centre: Centre,
    eqa,
    starts_on: dt.date,
    ends_on: dt.date,
    items: list[ShareItemInput],
    note: str = "",
) -> EqaShare:
    """Share registrations (or some of their units) with an EQA linked to the centre, from one day to another.
    The same share asked for again within DUPLICATE_WINDOW is not made twice: the earlier one is returned, with
    `reused` set (False on a new share)."""
    require_centre_admin(actor, centre)
    if not EqaLink.objects.filter(user=eqa, centre=centre, is_active=True).exists():
        raise ShareError(_("%(eqa)s is not an EQA linked to %(centre)s.") % {"eqa": eqa, "centre": centre})
    if ends_on < starts_on:
        raise ShareError(_("The share must end on or after the day it starts."))
    if ends_on < timezone.localdate():
        raise ShareError(_("The share would already have ended: choose an end date from today on."))
    if (ends_on - starts_on).days > MAX_SHARE_DAYS:
        raise ShareError(_("A share lasts at most a year."))
    if not items:
        raise ShareError(_("Choose at least one learner to share."))
    registration_ids = {item.registration.pk for item in items}
    if Registration.objects.filter(pk__in=registration_ids).exclude(centre=centre).exists():
        raise ShareError(_("Only this centre's learners can be shared."))
    on_plan = set(
        RegistrationUnit.objects.filter(registration_id__in=registration_ids).values_list("registration_id", "unit_id")
    )
    whole = {item.registration.pk for item in items if item.unit is None}
    unique: dict[tuple[int, int | None], ShareItemInput] = {}
    for item in items:
        if item.unit is not None:
            if (item.registration.pk, item.unit.pk) not in on_plan:
                raise ShareError(
                    _("Unit %(reference)s is not on %(learner)s's plan.")
                    % {"reference": item.unit.reference, "learner": item.registration.learner}
                )
            if item.registration.pk in whole:
                continue  # the whole registration is shared already
        unique[(item.registration.pk, item.unit.pk if item.unit else None)] = item
    # A double-posted form (two clicks, a resent request) reuses the share it just made: the centre row is locked
    # so that two identical requests at the same moment are taken one after the other.
    Centre.objects.select_for_update().filter(pk=centre.pk).first()
    wanted = {(item.registration.pk, item.unit.pk if item.unit else None) for item in unique.values()}
    recent = EqaShare.objects.filter(
        centre=centre,
        eqa=eqa,
        starts_on=starts_on,
        ends_on=ends_on,
        revoked_at__isnull=True,
        created_at__gte=timezone.now() - DUPLICATE_WINDOW,
    ).prefetch_related("items")
    for earlier in recent:
        if {(item.registration_id, item.unit_id) for item in earlier.items.all()} == wanted:
            earlier.reused = True
            return earlier
    share = EqaShare.objects.create(
        centre=centre, eqa=eqa, starts_on=starts_on, ends_on=ends_on, note=(note or "").strip(), created_by=actor
    )
    share.reused = False
    EqaShareItem.objects.bulk_create(
        EqaShareItem(share=share, registration=item.registration, unit=item.unit) for item in unique.values()
    )
    record_event(
        action="eqa_share_created",
        obj=share,
        actor=actor,
        centre=centre,
        summary=f"Shared {len(registration_ids)} learner(s) with {eqa} from {starts_on:%d %b %Y} to {ends_on:%d %b %Y}",
        eqa_id=eqa.pk,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
        items=[
            {"registration_id": item.registration.pk, "unit": item.unit.reference if item.unit else None}
            for item in unique.values()
        ],
    )
    return share


@transaction.atomic
def revoke_share(*, actor, share: EqaShare) -> EqaShare:
    share = EqaShare.objects.select_for_update().select_related("centre", "eqa").get(pk=share.pk)
    require_centre_admin(actor, share.centre)
    if share.revoked_at is not None:
        raise ShareError(_("This share is already revoked."))
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    record_event(
        action="eqa_share_revoked",
        obj=share,
        actor=actor,
        centre=share.centre,
        summary=f"Revoked the share with {share.eqa}",
        eqa_id=share.eqa_id,
    )
    return share


def share_covering(eqa, registration: Registration, unit: Unit | None) -> EqaShare | None:
    """The active share through which the EQA sees this registration (and unit), if any."""
    items = active_eqa_share_items(eqa).filter(registration=registration).select_related("share")
    if unit is not None:
        items = [item for item in items if item.unit_id in (None, unit.pk)]
    return next((item.share for item in items), None)


@transaction.atomic
def eqa_comment(*, actor, registration: Registration, unit: Unit | None, text: str) -> EqaComment:
    """The EQA leaves a comment on a shared registration (or unit) for the centre."""
    text = (text or "").strip()
    if not text:
        raise ShareError(_("Write your comment first."))
    if unit is not None and not eqa_can_see_unit(actor, registration, unit):
        raise NotAllowed(_("That unit is not shared with you."))
    share = share_covering(actor, registration, unit)
    if share is None:
        raise NotAllowed(_("This learner is not shared with you."))
    comment = EqaComment.objects.create(share=share, registration=registration, unit=unit, eqa=actor, text=text)
    record_event(
        action="eqa_comment",
        obj=comment,
        actor=actor,
        registration=registration,
        summary=f"EQA comment{' on unit ' + unit.reference if unit else ''}: {text}",
        unit=unit.reference if unit else None,
    )
    # The learner's IQA hears of it; the email names neither the learner nor the comment, only where to look.
    notify(
        registration.iqa,
        kinds.EQA_COMMENT,
        centre=registration.centre,
        title=lambda: (
            gettext("The EQA commented on unit %(unit)s of a shared learner") % {"unit": unit.reference}
            if unit
            else gettext("The EQA commented on a shared learner")
        ),
        url=(
            reverse("tracking:sheet", args=[registration.pk, unit.pk])
            if unit
            else reverse("tracking:registration", args=[registration.pk])
        ),
        actor=actor,
        subject_object=comment,
    )
    return comment


def eqa_sign(*, actor, registration: Registration, unit: Unit) -> Signature:
    """The EQA signs the "EQS signature (if sampled)" line of a shared unit's tracking sheet."""
    if not eqa_can_see_unit(actor, registration, unit):
        raise NotAllowed(_("That unit is not shared with you."))
    return sign_unit(registration=registration, unit=unit, user=actor, role=SignatureRole.EQA)
