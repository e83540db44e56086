"""An assessor's items: evidence to judge, trainees' decisions to countersign, sheets to sign, IQA actions."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from centres.models import Role
from core.compiled import CompiledRead
from portfolio.selectors import queue_head
from portfolio.services.judgement import first_awaiting_countersignature
from quality.models import Action
from tracking.dashboard import first_sheets_ready_for_assessor, first_sheets_to_countersign
from tracking.models import Signature, SignatureRole

from .items import LIMIT, WaitingItem, moment


def assessor_queue_items(user, roles) -> list[WaitingItem]:
    if not roles.get(Role.ASSESSOR):
        return []
    queue_url = reverse("portfolio:assessor-queue")
    return [
        WaitingItem(
            since=evidence.submitted_at,
            text=_("Judge evidence %(reference)s from %(learner)s")
            % {"reference": evidence.reference, "learner": evidence.registration.learner.full_name},
            url=reverse("portfolio:evidence-judge", args=[evidence.pk]),
            see_all_url=queue_url,
            see_all_text=_("Your assessment queue"),
        )
        for evidence in queue_head(user, LIMIT + 1)
    ]


def assessor_countersignatures(user, roles) -> list[WaitingItem]:
    if not roles.get("countersigns_assessor"):
        return []
    url = reverse("portfolio:countersign-queue")
    links, decisions = first_awaiting_countersignature(user, LIMIT + 1)
    items = [
        WaitingItem(
            since=link.judged_at,
            text=_("Countersign %(trainee)s's judgement of evidence %(reference)s")
            % {"trainee": link.judged_by.full_name, "reference": link.evidence.reference},
            url=url,
            see_all_url=url,
            see_all_text=_("Decisions to countersign"),
        )
        for link in links
    ] + [
        WaitingItem(
            since=decision.decided_at,
            text=_("Countersign %(trainee)s's decision on unit %(unit)s")
            % {"trainee": decision.decided_by.full_name, "unit": decision.criterion.unit.reference},
            url=url,
            see_all_url=url,
            see_all_text=_("Decisions to countersign"),
        )
        for decision in decisions
    ]
    return sorted(items, key=lambda item: moment(item.since))[: LIMIT + 1]


# When each sheet was signed in a role (SQL built once per process: core.compiled).
_signed_at = CompiledRead(
    lambda role, sign_off_ids: (
        Signature.objects.live().filter(sign_off_id__in=sign_off_ids, role=role).values_list("sign_off_id", "signed_at")
    )
)


def _sheet_items(sign_offs: list, role: str, text: str) -> list[WaitingItem]:
    signed_at = dict(_signed_at(role, sign_off_ids=[sign_off.pk for sign_off in sign_offs])) if sign_offs else {}
    items = [
        WaitingItem(
            since=signed_at.get(sign_off.pk),
            text=text % {"unit": sign_off.unit.reference, "learner": sign_off.registration.learner.full_name},
            url=reverse("tracking:sheet", args=[sign_off.registration_id, sign_off.unit_id]),
        )
        for sign_off in sign_offs
    ]
    return sorted(items, key=lambda item: moment(item.since))[: LIMIT + 1]


def assessor_sheets(user, roles) -> list[WaitingItem]:
    if not roles.get(Role.ASSESSOR):
        return []
    items = _sheet_items(
        first_sheets_ready_for_assessor(user, LIMIT * 2, by_learner=False),
        SignatureRole.LEARNER,
        _("Sign unit %(unit)s for %(learner)s"),
    )
    if roles.get("countersigns_assessor"):
        items += _sheet_items(
            first_sheets_to_countersign(user, LIMIT * 2, by_learner=False),
            SignatureRole.ASSESSOR,
            _("Countersign the sign-off of unit %(unit)s for %(learner)s"),
        )
    return items


_actions_due = CompiledRead(
    lambda limit, assessor_id: (
        Action.objects.awaiting_assessor().filter(assessor_id=assessor_id).order_by("due_on", "pk")[:limit]
    )
)


def assessor_actions(user, roles) -> list[WaitingItem]:
    if not roles.get(Role.ASSESSOR):
        return []
    url = reverse("quality:action-list")
    return [
        WaitingItem(
            since=action.due_on,
            text=_("Complete the IQA's action, due %(due)s") % {"due": f"{action.due_on:%d %b %Y}"},
            url=url,
            see_all_url=url,
            see_all_text=_("Your actions"),
        )
        for action in _actions_due(LIMIT + 1, assessor_id=user.pk)
    ]
