"""Each person's home page (the work waiting for them, gathered from every app by role), an assessor's caseload
and a centre admin's overview with the learner table behind its figures."""

import importlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from centres.access import access_profile, get_centre_for, roles_of
from centres.models import Role
from portfolio.models import Registration
from portfolio.progress import sharing_unit_statuses
from portfolio.selectors import assessor_registrations

from .caseload import caseload_rows, parse_sort, sort_links, sort_rows
from .overview import NO_IDENTITY, TRACKS, WAITING_REVIEW, centre_overview, filter_rows
from .status import AMBER_AFTER_QUIET_DAYS, RED_AFTER_QUIET_DAYS, Rag
from .waiting import waiting_panel

# Each app may offer `panels(user, roles) -> list[dict]`, each dict with "template" and its context.
PANEL_MODULES = [
    "portfolio.dashboard",
    "tracking.dashboard",
    "quality.dashboard",
    "planning.dashboard",
    "observations.dashboard",
    "apprenticeships.dashboard",
]


def _panels(user, roles) -> list[dict]:
    panels = []
    # Several panels read the same learner's criteria (progress, sheets to sign): assemble them once.
    with sharing_unit_statuses():
        panels.append(waiting_panel(user, roles))  # "Waiting for you" first (order 0), from dashboard/waiting.py
        for name in PANEL_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            panels.extend(module.panels(user, roles))
    return sorted(panels, key=lambda panel: panel.get("order", 100))


@login_required
def home(request):
    roles = roles_of(request.user)
    return render(request, "dashboard/home.html", {"panels": _panels(request.user, roles), "roles": roles})


def _table_context(request, rows) -> dict:
    column, descending = parse_sort(request.GET.get("sort"))
    query = request.GET.copy()
    query.pop("sort", None)
    return {
        "rows": sort_rows(rows, column, descending),
        "sort_links": sort_links(column, descending),
        "filter_query": query.urlencode(),
        "red_days": RED_AFTER_QUIET_DAYS,
        "amber_days": AMBER_AFTER_QUIET_DAYS,
    }


@login_required
@require_GET
def caseload(request):
    """The assessor's active learners (at one of their centres with ?centre=), sortable by name, progress, last
    activity and status."""
    if not access_profile(request.user).centre_ids(Role.ASSESSOR):
        raise PermissionDenied("The caseload is for assessors.")
    registrations = assessor_registrations(request.user)
    centre = None
    if request.GET.get("centre"):
        centre = get_centre_for(request.user, request.GET["centre"], Role.ASSESSOR)
        registrations = registrations.filter(centre=centre)
    rows = caseload_rows(registrations)
    return render(request, "dashboard/caseload.html", {"centre": centre, **_table_context(request, rows)})


@login_required
@require_GET
def centre_overview_view(request, centre_pk: int):
    centre = get_centre_for(request.user, centre_pk, Role.CENTRE_ADMIN)
    return render(request, "dashboard/centre_overview.html", {"centre": centre, "overview": centre_overview(centre)})


@login_required
@require_GET
def centre_learners(request, centre_pk: int):
    """The centre's active learners behind the overview's figures: ?track=, ?rag= or ?waiting=, sortable."""
    centre = get_centre_for(request.user, centre_pk, Role.CENTRE_ADMIN)
    track, rag, waiting = (request.GET.get(name, "") for name in ("track", "rag", "waiting"))
    rows = caseload_rows(Registration.objects.filter(centre=centre, status=Registration.Status.ACTIVE))
    rows = filter_rows(rows, track=track, rag=rag, waiting=waiting)
    showing = TRACKS.get(track) or (gettext("%(rag)s status") % {"rag": Rag.LABELS[rag]} if rag in Rag.LABELS else "")
    if waiting == WAITING_REVIEW:
        showing = gettext("With evidence awaiting review")
    elif waiting == NO_IDENTITY:
        showing = gettext("Waiting for an identity check")
    return render(
        request,
        "dashboard/centre_learners.html",
        {"centre": centre, "showing": showing, **_table_context(request, rows)},
    )
