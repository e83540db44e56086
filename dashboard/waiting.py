"""The "Waiting for you" panel at the top of every home page: what to do now, oldest first.

Each source is a function `(user, roles) -> list[WaitingItem]` in WAITING_SOURCES; it returns at most LIMIT + 1
items, oldest first, read in a fixed number of queries (so the panel costs the same at 100 or 10,000 learners).
An app's items join with one line, in this module or from the app's own code at start-up:

    from dashboard.waiting import WAITING_SOURCES, WaitingItem
    WAITING_SOURCES.append(plan_items_due)      # (user, roles) -> [WaitingItem(since=..., text=..., url=...)]

The panel shows the SHOWN oldest items of all sources together, and a "see all" link for each source that had
more than it could show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from centres.models import Role
from portfolio.models import CountersignStatus, EvidenceLink, Registration
from portfolio.progress import active_registrations_of, unit_statuses
from portfolio.selectors import assessor_queue
from portfolio.services.judgement import decisions_awaiting_countersignature, links_awaiting_countersignature
from quality.models import Action
from quality.services.countersign import samples_awaiting_countersignature
from tracking.dashboard import sheets_ready_for_assessor, sheets_to_countersign
from tracking.models import Signature, SignatureRole

LIMIT = 8
SHOWN = 8


@dataclass(frozen=True)
class WaitingItem:
    since: dt.datetime | dt.date | None  # how long it has waited (None: sorted last)
    text: str
    url: str
    see_all_url: str = ""
    see_all_text: str = ""

    def age(self) -> str:
        """How long it has waited, in words ("" for something not yet due)."""
        moment, now = _moment(self.since), timezone.now()
        return timesince(moment, now) if self.since is not None and moment < now else ""


def _moment(value) -> dt.datetime:
    if value is None:
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


# --- Learners --------------------------------------------------------------------------------------------------


def learner_feedback(user, roles) -> list[WaitingItem]:
    """Evidence the assessor did not accept for a criterion: the learner acts on the feedback (a new version).
    No query for someone who is not a learner (the home page has read their registrations already)."""
    registrations = active_registrations_of(user)
    if not registrations:
        return []
    links = (
        EvidenceLink.objects.filter(
            evidence__registration__in=registrations,
            evidence__is_current=True,
            status=EvidenceLink.Status.REJECTED,
        )
        .exclude(countersign_status=CountersignStatus.OVERTURNED)
        .select_related("evidence")
        .order_by("judged_at", "pk")[: LIMIT * 4]
    )
    items, seen = [], set()
    for link in links:
        if link.evidence_id in seen:
            continue
        seen.add(link.evidence_id)
        items.append(
            WaitingItem(
                since=link.judged_at,
                text=_("Act on the feedback on evidence %(reference)s") % {"reference": link.evidence.reference},
                url=reverse("portfolio:evidence-detail", args=[link.evidence_id]),
                see_all_url=reverse("portfolio:my-portfolio"),
                see_all_text=_("Your portfolio"),
            )
        )
    return items[: LIMIT + 1]


def learner_sheets(user, roles) -> list[WaitingItem]:
    """Units whose every criterion is met and that the learner has not signed (the home page shares the criteria
    already assembled for the other panels: one more query for the signatures)."""
    registrations = active_registrations_of(user)
    if not registrations:
        return []
    signed = set(
        Signature.objects.live()
        .filter(sign_off__registration__in=registrations, role=SignatureRole.LEARNER)
        .values_list("sign_off__registration_id", "sign_off__unit_id")
    )
    items = []
    for registration in registrations:
        for status in unit_statuses(registration):
            if not status.complete or (registration.pk, status.unit.pk) in signed:
                continue
            decided = [c.decision.decided_at for c in status.criteria if getattr(c, "decision", None) is not None]
            items.append(
                WaitingItem(
                    since=max(decided) if decided else None,
                    text=_("Sign the tracking sheet for unit %(unit)s") % {"unit": status.unit.reference},
                    url=reverse("tracking:sheet", args=[registration.pk, status.unit.pk]),
                    see_all_url=reverse("tracking:registration", args=[registration.pk]),
                    see_all_text=_("All tracking sheets"),
                )
            )
    return sorted(items, key=lambda item: _moment(item.since))[: LIMIT + 1]


# --- Assessors -------------------------------------------------------------------------------------------------


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
        for evidence in assessor_queue(user)[: LIMIT + 1]
    ]


def assessor_countersignatures(user, roles) -> list[WaitingItem]:
    if not roles.get("countersigns_assessor"):
        return []
    url = reverse("portfolio:countersign-queue")
    links = (
        links_awaiting_countersignature(user)
        .select_related("evidence", "judged_by")
        .order_by("judged_at", "pk")[: LIMIT + 1]
    )
    decisions = (
        decisions_awaiting_countersignature(user)
        .select_related("criterion__unit", "decided_by")
        .order_by("decided_at", "pk")[: LIMIT + 1]
    )
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
    return sorted(items, key=lambda item: _moment(item.since))[: LIMIT + 1]


def _sheet_items(sign_offs, role: str, text: str) -> list[WaitingItem]:
    signed_at = {}
    sign_offs = list(sign_offs[: LIMIT * 2])
    for sign_off_id, at in (
        Signature.objects.live().filter(sign_off__in=sign_offs, role=role).values_list("sign_off_id", "signed_at")
    ):
        signed_at[sign_off_id] = at
    items = [
        WaitingItem(
            since=signed_at.get(sign_off.pk),
            text=text % {"unit": sign_off.unit.reference, "learner": sign_off.registration.learner.full_name},
            url=reverse("tracking:sheet", args=[sign_off.registration_id, sign_off.unit_id]),
        )
        for sign_off in sign_offs
    ]
    return sorted(items, key=lambda item: _moment(item.since))[: LIMIT + 1]


def assessor_sheets(user, roles) -> list[WaitingItem]:
    if not roles.get(Role.ASSESSOR):
        return []
    items = _sheet_items(
        sheets_ready_for_assessor(user).order_by("pk"),
        SignatureRole.LEARNER,
        _("Sign unit %(unit)s for %(learner)s"),
    )
    if roles.get("countersigns_assessor"):
        items += _sheet_items(
            sheets_to_countersign(user).order_by("pk"),
            SignatureRole.ASSESSOR,
            _("Countersign the sign-off of unit %(unit)s for %(learner)s"),
        )
    return items


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
        for action in Action.objects.awaiting_assessor().filter(assessor=user).order_by("due_on", "pk")[: LIMIT + 1]
    ]


# --- IQAs ------------------------------------------------------------------------------------------------------


def iqa_work(user, roles) -> list[WaitingItem]:
    """Actions an assessor completed, for the IQA to close; samples a trainee IQA made, for their countersignatory."""
    items = []
    if roles.get(Role.IQA):
        url = reverse("quality:action-list")
        to_close = (
            Action.objects.awaiting_close()
            .filter(sample__plan__centre__in=roles[Role.IQA])
            .exclude(assessor=user)
            .select_related("assessor")
            .order_by("completed_at", "pk")[: LIMIT + 1]
        )
        items += [
            WaitingItem(
                since=action.completed_at,
                text=_("Close the action %(assessor)s completed") % {"assessor": action.assessor.full_name},
                url=url,
                see_all_url=url,
                see_all_text=_("Actions"),
            )
            for action in to_close
        ]
    if roles.get("countersigns_iqa"):
        url = reverse("quality:countersign-queue")
        samples = samples_awaiting_countersignature(user).select_related("iqa").order_by("sampled_at", "pk")
        items += [
            WaitingItem(
                since=sample.sampled_at,
                text=_("Countersign %(iqa)s's sample") % {"iqa": sample.iqa.full_name},
                url=reverse("quality:sample-countersign", args=[sample.pk]),
                see_all_url=url,
                see_all_text=_("Samples to countersign"),
            )
            for sample in samples[: LIMIT + 1]
        ]
    return sorted(items, key=lambda item: _moment(item.since))[: LIMIT + 1]


# --- Centre admins ---------------------------------------------------------------------------------------------


def admin_registrations(user, roles) -> list[WaitingItem]:
    """Registrations waiting for the centre admin: an identity check not yet recorded."""
    centres = roles.get(Role.CENTRE_ADMIN, [])
    if not centres:
        return []
    waiting = (
        Registration.objects.awaiting_identity_check()
        .filter(Q(centre__in=centres))
        .select_related("learner")
        .order_by("start_date", "pk")[: LIMIT + 1]
    )
    see_all = reverse("dashboard:centre-learners", args=[centres[0].pk]) if len(centres) == 1 else ""
    return [
        WaitingItem(
            since=registration.start_date,
            text=_("Check the identity of %(learner)s") % {"learner": registration.learner.full_name},
            url=reverse("portfolio:registration-detail", args=[registration.pk]),
            see_all_url=see_all,
            see_all_text=_("Learners") if see_all else "",
        )
        for registration in waiting
    ]


WAITING_SOURCES: list[Callable[..., list[WaitingItem]]] = [
    learner_feedback,
    learner_sheets,
    assessor_queue_items,
    assessor_countersignatures,
    assessor_sheets,
    assessor_actions,
    iqa_work,
    admin_registrations,
]


def waiting_panel(user, roles) -> dict:
    """The panel's context: the SHOWN oldest items and a "see all" link for each source with more."""
    items, more = [], {}
    for source in WAITING_SOURCES:
        found = source(user, roles)
        items.extend(found)
    items.sort(key=lambda item: _moment(item.since))
    shown = items[:SHOWN]
    for item in items[SHOWN:]:
        if item.see_all_url:
            more.setdefault(item.see_all_url, item.see_all_text)
    return {
        "template": "dashboard/_waiting.html",
        "order": 0,
        "items": shown,
        "more": sorted(more.items(), key=lambda pair: pair[1]),
        "hidden": max(len(items) - SHOWN, 0),
    }
