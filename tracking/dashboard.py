"""Home-page panels: tracking sheets waiting for the person's signature."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import CompetenceStatus, Membership, Role
from core.compiled import CompiledRead
from portfolio.access import active_eqa_share_items
from portfolio.models import Registration
from portfolio.progress import active_registrations_of

from .models import Signature, SignatureRole, UnitSignOff
from .sheets import build_sheets

LIMIT = 10
IQA_RECENT_DAYS = 90


def _live(role: str, **filters):
    return Exists(Signature.objects.live().filter(sign_off=OuterRef("pk"), role=role, **filters))


def _items(sign_offs) -> list[dict]:
    return [
        {
            "url": reverse("tracking:sheet", args=[sign_off.registration_id, sign_off.unit_id]),
            "learner": sign_off.registration.learner.full_name,
            "unit": f"{sign_off.unit.reference} {sign_off.unit.title}",
        }
        for sign_off in sign_offs
    ]


def _sign_offs():
    return UnitSignOff.objects.filter(registration__status=Registration.Status.ACTIVE).select_related(
        "registration__learner", "unit"
    )


def _learner_panel(user) -> dict | None:
    registrations = active_registrations_of(user)
    if not registrations:
        return None
    items, finished = [], []
    for registration in registrations:
        sheets = build_sheets(registration, methods=[])  # the panel shows no method key
        if sheets and all(sheet.state.signed_off and not sheet.state.content_changed for sheet in sheets):
            finished.append(
                _(
                    "Every unit of your %(qualification)s is signed off: your centre's quality assurance and the "
                    "claim for your certificate come next."
                )
                % {"qualification": registration.qualification.title}
            )
        for sheet in sheets:
            live = sheet.state.live
            if sheet.status.complete and SignatureRole.LEARNER not in live and not sheet.state.content_changed:
                items.append(
                    {
                        "url": reverse("tracking:sheet", args=[registration.pk, sheet.unit.pk]),
                        "learner": "",
                        "unit": sheet.unit_heading,
                    }
                )
    return {
        "template": "tracking/_panel.html",
        "order": 25,
        "id": "sign-off-learner",
        "title": _("Units ready for your signature"),
        "lead": _(
            "Every criterion of these units is met: check the tracking sheet and sign it to declare the "
            "evidence is your own."
        ),
        "items": items,
        "empty": _("No units are waiting for your signature."),
        "notes": finished,
        "links": [
            (
                reverse("tracking:registration", args=[r.pk]),
                _("All tracking sheets: %(qualification)s") % {"qualification": r.qualification.title},
            )
            for r in registrations
        ],
    }


def _trainees_of(user):
    return Membership.objects.active().filter(
        role=Role.ASSESSOR, countersignatory=user, status=CompetenceStatus.WORKING_TOWARDS
    )


def sheets_ready_for_assessor(user):
    """Sign-offs the learner has signed and this assessor has not (unordered: each page orders them)."""
    return (
        _sign_offs()
        .filter(registration__assessor=user)
        .filter(_live(SignatureRole.LEARNER))
        .exclude(_live(SignatureRole.ASSESSOR))
    )


def sheets_to_countersign(user):
    """Sign-offs a trainee this user countersigns for has signed as assessor, not yet countersigned."""
    trainees = _trainees_of(user)
    return (
        _sign_offs()
        .filter(registration__centre_id__in=trainees.values("centre_id"))
        .filter(_live(SignatureRole.ASSESSOR, user_id__in=trainees.values("user_id")))
        .exclude(_live(SignatureRole.COUNTERSIGNER))
    )


def _in_order(sign_offs, by_learner: bool):
    return sign_offs.order_by(*(("registration__learner__full_name", "unit__reference") if by_learner else ("pk",)))


# The first few of each, with SQL built once per process (core.compiled): in learner order for the panel, in the
# order they were made for "Waiting for you".
_first_ready = CompiledRead(
    lambda by_learner, limit, user_id: _in_order(sheets_ready_for_assessor(user_id), by_learner)[:limit]
)
_first_to_countersign = CompiledRead(
    lambda by_learner, limit, user_id: _in_order(sheets_to_countersign(user_id), by_learner)[:limit]
)


def first_sheets_ready_for_assessor(user, limit: int, *, by_learner: bool) -> list[UnitSignOff]:
    """The first `limit` of `sheets_ready_for_assessor`, by learner and unit or else as made."""
    return _first_ready(by_learner, limit, user_id=user.pk)


def first_sheets_to_countersign(user, limit: int, *, by_learner: bool) -> list[UnitSignOff]:
    """The first `limit` of `sheets_to_countersign`, by learner and unit or else as made."""
    return _first_to_countersign(by_learner, limit, user_id=user.pk)


def _assessor_panel(user, roles) -> dict:
    # Whether they countersign for a trainee assessor comes with their roles, as for "Waiting for you".
    countersigns = bool(roles.get("countersigns_assessor"))
    return {
        "template": "tracking/_panel.html",
        "order": 26,
        "id": "sign-off-assessor",
        "title": _("Tracking sheets to sign"),
        "lead": _("The learner has signed these units: check the sheet and sign as assessor."),
        "items": _items(first_sheets_ready_for_assessor(user, LIMIT, by_learner=True)),
        "second_title": _("Sign-offs to countersign"),
        "second_items": _items(first_sheets_to_countersign(user, LIMIT, by_learner=True)) if countersigns else [],
        "show_second": countersigns,
        "empty": _("No tracking sheets are waiting for you."),
    }


def _countersigned_where_needed():
    """The sign-off has its countersignature, or the assessor who signed it does not need one.

    As tracking.selectors decides it: the signing assessor needs a countersignature while their active
    assessor membership at the registration's centre is "working towards"."""
    trainee = Membership.objects.active().filter(
        user=OuterRef("user"),
        centre=OuterRef("sign_off__registration__centre"),
        role=Role.ASSESSOR,
        status=CompetenceStatus.WORKING_TOWARDS,
    )
    signed_by_trainee = Signature.objects.live().filter(
        Exists(trainee), sign_off=OuterRef("pk"), role=SignatureRole.ASSESSOR
    )
    return Q(_live(SignatureRole.COUNTERSIGNER)) | ~Exists(signed_by_trainee)


def _recently_signed(limit: int, *, user_id: int, since: dt.datetime):
    centres = Membership.objects.active().filter(user_id=user_id, role=Role.IQA).values("centre_id")
    return (
        _sign_offs()
        .filter(registration__centre_id__in=centres)
        .exclude(registration__assessor_id=user_id)
        .filter(_live(SignatureRole.ASSESSOR, signed_at__gte=since))
        .filter(_countersigned_where_needed())
        .exclude(_live(SignatureRole.IQA))
        .order_by("-created_at")[:limit]
    )


_first_recently_signed = CompiledRead(_recently_signed)  # SQL built once per process (core.compiled)


def _iqa_panel(user) -> dict:
    since = timezone.now() - dt.timedelta(days=IQA_RECENT_DAYS)
    signed = _first_recently_signed(LIMIT, user_id=user.pk, since=since)
    return {
        "template": "tracking/_panel.html",
        "order": 45,
        "id": "sign-off-iqa",
        "title": _("Recently signed-off units"),
        "lead": _(
            "Units the assessors signed off in the last 90 days without an IQA signature: if you sample one, "
            "sign its tracking sheet."
        ),
        "items": _items(signed),
        "empty": _("No recently signed-off units."),
    }


def _eqa_panel(user) -> dict:
    items = active_eqa_share_items(user)
    shared = items.filter(registration=OuterRef("registration")).filter(Q(unit__isnull=True) | Q(unit=OuterRef("unit")))
    waiting = (
        UnitSignOff.objects.filter(Exists(shared))
        .filter(_live(SignatureRole.ASSESSOR))
        .filter(_countersigned_where_needed())
        .exclude(_live(SignatureRole.EQA))
        .select_related("registration__learner", "unit")
        .order_by("registration__learner__full_name", "unit__reference")
    )
    return {
        "template": "tracking/_panel.html",
        "order": 55,
        "id": "sign-off-eqa",
        "title": _("Shared units without an EQS signature"),
        "lead": _("Signed-off units shared with you: if you sample one, sign its tracking sheet as EQS."),
        "items": _items(waiting[:LIMIT]),
        "empty": _("No shared units are waiting."),
    }


def panels(user, roles) -> list[dict]:
    result = []
    learner = _learner_panel(user)
    if learner is not None:
        result.append(learner)
    if roles.get(Role.ASSESSOR):
        result.append(_assessor_panel(user, roles))
    if roles.get(Role.IQA):
        result.append(_iqa_panel(user))
    if roles.get("eqa"):
        result.append(_eqa_panel(user))
    return result
