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

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from apprenticeships.models import ProgressReview
from apprenticeships.models import Signature as ReviewSignature
from apprenticeships.models import SignatureRole as ReviewSignatureRole
from apprenticeships.selectors import reviews_due
from centres.models import Role
from observations.models import AssessmentRecord
from planning.dashboard import any_flag
from planning.models import PlanSignature, PlanSignatureRole, PlanVersion, Visit
from planning.selectors import overdue_items
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
VISITS_SHOWN = 20


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


# --- Assessment plans, observations, progress reviews (planning, observations, apprenticeships) ----------------


def _overdue_item_items(rows, *, with_learner: bool) -> list[WaitingItem]:
    items = []
    for row in rows:
        item = row.item
        plan_id = item.version.plan_id
        registration = item.version.plan.registration
        text = (
            _("Plan activity overdue for %(learner)s: %(activity)s")
            % {"learner": registration.learner.full_name, "activity": item.activity[:80]}
            if with_learner
            else _("Plan activity overdue: %(activity)s") % {"activity": item.activity[:80]}
        )
        items.append(
            WaitingItem(
                since=item.due_on,
                text=text,
                url=reverse("planning:plan-detail", args=[plan_id]),
                see_all_url=reverse("planning:registration-plans", args=[registration.pk]) if not with_learner else "",
                see_all_text=_("Your assessment plans") if not with_learner else "",
            )
        )
    return items


def learner_plan_items(user, roles) -> list[WaitingItem]:
    """Overdue activities of the learner's current assessment plans (three queries, only for a learner)."""
    if not any_flag(active_registrations_of(user), "has_overdue_plan_items"):
        return []
    return _overdue_item_items(overdue_items(learner=user, limit=LIMIT + 1), with_learner=False)


def assessor_plan_items(user, roles) -> list[WaitingItem]:
    if not roles.get(Role.ASSESSOR):
        return []
    return _overdue_item_items(overdue_items(assessor=user, limit=LIMIT + 1), with_learner=True)


def _unsigned_versions(role: str):
    signed = PlanSignature.objects.filter(version=OuterRef("pk"), role=role)
    return (
        PlanVersion.objects.filter(is_current=True, plan__registration__status=Registration.Status.ACTIVE)
        .exclude(Exists(signed))
        .select_related("plan__registration__learner")
        .order_by("created_at", "pk")
    )


def plans_to_sign(user, roles) -> list[WaitingItem]:
    """Current plan versions waiting for this person's signature: as the learner, or as the learner's assessor."""
    items = []
    registrations = active_registrations_of(user)
    if any_flag(registrations, "has_plan_to_sign"):
        versions = _unsigned_versions(PlanSignatureRole.LEARNER).filter(
            plan__registration__in=[registration.pk for registration in registrations]
        )
        items += [
            WaitingItem(
                since=version.created_at,
                text=_("Read and sign your assessment plan “%(title)s”") % {"title": version.plan.title},
                url=reverse("planning:plan-detail", args=[version.plan_id]),
            )
            for version in versions[: LIMIT + 1]
        ]
    if roles.get(Role.ASSESSOR):
        versions = _unsigned_versions(PlanSignatureRole.ASSESSOR).filter(plan__registration__assessor=user)
        items += [
            WaitingItem(
                since=version.created_at,
                text=_("Sign the assessment plan of %(learner)s")
                % {"learner": version.plan.registration.learner.full_name},
                url=reverse("planning:plan-detail", args=[version.plan_id]),
            )
            for version in versions[: LIMIT + 1]
        ]
    return sorted(items, key=lambda item: _moment(item.since))[: LIMIT + 1]


def learner_observations(user, roles) -> list[WaitingItem]:
    """Observations the assessor left for the learner to confirm (no query unless the learner's registrations,
    read once for the home page, say one waits)."""
    registrations = active_registrations_of(user)
    if not any(getattr(registration, "has_observations_to_confirm", False) for registration in registrations):
        return []
    records = (
        AssessmentRecord.objects.filter(
            registration__in=[registration.pk for registration in registrations],
            confirmation=AssessmentRecord.Confirmation.LATER,
            learner_confirmed_at__isnull=True,
        )
        .select_related("evidence")
        .order_by("created_at", "pk")[: LIMIT + 1]
    )
    return [
        WaitingItem(
            since=record.created_at,
            text=_("Confirm the observation recorded as evidence %(reference)s")
            % {"reference": record.evidence.reference},
            url=reverse("observations:record-confirm", args=[record.pk]),
        )
        for record in records
    ]


def _review_registrations(user, roles):
    """Registrations whose progress reviews wait for this person: the assessor's learners, the admin's centres."""
    scope = Q()
    if roles.get(Role.ASSESSOR):
        scope |= Q(assessor=user)
    if roles.get(Role.CENTRE_ADMIN):
        scope |= Q(centre__in=roles[Role.CENTRE_ADMIN])
    if not scope:
        return None
    return Registration.objects.filter(scope, status=Registration.Status.ACTIVE)


def reviews_waiting(user, roles) -> list[WaitingItem]:
    """Progress reviews due soon or overdue, and recorded reviews waiting for the provider's signature (the
    assessor's learners; a centre admin's centres): two queries."""
    registrations = _review_registrations(user, roles)
    if registrations is None:
        return []
    today = timezone.localdate()
    items = []
    for review in reviews_due(registrations, today).filter(content_hash="")[: LIMIT + 1]:
        learner = review.apprenticeship.registration.learner.full_name
        text = (
            _("Progress review of %(learner)s overdue since %(date)s")
            if review.due_on < today
            else _("Progress review of %(learner)s due %(date)s")
        ) % {"learner": learner, "date": f"{review.due_on:%d %b %Y}"}
        items.append(
            WaitingItem(since=review.due_on, text=text, url=reverse("apprenticeships:review", args=[review.pk]))
        )
    provider_signed = Exists(
        ReviewSignature.objects.live().filter(review=OuterRef("pk"), role=ReviewSignatureRole.PROVIDER)
    )
    to_sign = (
        ProgressReview.objects.filter(
            apprenticeship__registration__in=registrations, completed_at__isnull=True, held_on__isnull=False
        )
        .exclude(content_hash="")
        .exclude(provider_signed)
        .select_related("apprenticeship__registration__learner")
        .order_by("held_on", "pk")[: LIMIT + 1]
    )
    items += [
        WaitingItem(
            since=review.held_on,
            text=_("Sign the progress review of %(learner)s")
            % {"learner": review.apprenticeship.registration.learner.full_name},
            url=reverse("apprenticeships:review", args=[review.pk]),
        )
        for review in to_sign
    ]
    return sorted(items, key=lambda item: _moment(item.since))[: LIMIT + 1]


def this_weeks_visits(user, roles) -> list[Visit] | None:
    """The person's visits this week, Monday to Sunday (as the assessor, or as a learner on it), cancelled ones
    marked: two queries, only for assessors and learners (None for anyone else: no section)."""
    registrations = active_registrations_of(user)
    if not roles.get(Role.ASSESSOR):
        if not registrations:
            return None
        if not any_flag(registrations, "has_visits_from_this_week"):
            return []
    today = timezone.localdate()
    start = today - dt.timedelta(days=today.weekday())
    ids = Visit.objects.filter(Q(assessor=user) | Q(registrations__learner=user), date__gte=start).filter(
        date__lte=start + dt.timedelta(days=6)
    )
    return list(
        Visit.objects.filter(pk__in=ids.values("pk"))
        .prefetch_related("registrations__learner")
        .order_by("date", "starts_at", "pk")[:VISITS_SHOWN]
    )


WAITING_SOURCES: list[Callable[..., list[WaitingItem]]] = [
    learner_feedback,
    learner_sheets,
    assessor_queue_items,
    assessor_countersignatures,
    assessor_sheets,
    assessor_actions,
    iqa_work,
    admin_registrations,
    learner_plan_items,
    assessor_plan_items,
    plans_to_sign,
    learner_observations,
    reviews_waiting,
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
        "visits": this_weeks_visits(user, roles),
        "calendar_url": reverse("planning:calendar") if roles.get(Role.ASSESSOR) else "",
    }
