"""The assessor's calendar and their visits: scheduled, read, changed and cancelled.

Visits are fetched through planning.selectors.visits_for (another centre's: 404; someone of the centre who is
neither the assessor nor a learner on it: 403)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from centres.params import parse_id
from core.views import domain_errors_as_messages

from .. import hooks
from ..forms import CancelVisitForm, VisitForm
from ..models import PlanItem
from ..selectors import calendar_page, visits_for, with_people
from ..services.visits import cancel_visit, caseload, change_visit, check_owner, check_scheduler, schedule_visit


def _require_assessor(request) -> None:
    with domain_errors_as_messages(request):
        check_scheduler(request.user)


def _parse_date(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def calendar(request):
    _require_assessor(request)
    view = "month" if request.GET.get("view") == "month" else "week"
    page = calendar_page(request.user, view, _parse_date(request.GET.get("date")))
    return render(request, "planning/calendar.html", {"page": page})


def _visit_choices(user):
    registrations = list(caseload(user).select_related("learner", "qualification").order_by("learner__full_name"))
    learner_choices = [(r.pk, f"{r.learner.full_name} ({r.qualification.title})") for r in registrations]
    items = (
        PlanItem.objects.current()
        .filter(version__plan__registration__in=[r.pk for r in registrations])
        .select_related("version__plan__registration__learner")
        .order_by("due_on", "pk")
    )
    item_choices = [
        (
            item.pk,
            f"{item.version.plan.registration.learner.full_name}: {item.activity[:80]} (due {item.due_on:%d/%m/%Y})",
        )
        for item in items
    ]
    return {"learner_choices": learner_choices, "item_choices": item_choices}


@login_required
def visit_create(request):
    _require_assessor(request)
    initial = {"date": _parse_date(request.GET.get("date")), "starts_at": "10:00", "ends_at": "11:00"}
    if parse_id(request.GET.get("registration")) is not None:
        initial["registrations"] = [parse_id(request.GET["registration"])]
    form = VisitForm(request.POST or None, initial=initial, **_visit_choices(request.user))
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            visit = schedule_visit(user=request.user, data=form.to_input())
        if outcome.ok:
            messages.success(request, gettext("Visit scheduled."))
            return redirect(f"{reverse('planning:calendar')}?date={visit.date.isoformat()}")
    return render(request, "planning/visit_form.html", {"form": form, "visit": None})


def _get_visit(request, pk: int):
    visit = get_object_or_404(
        visits_for(request.user)
        .select_related("assessor", "centre", "cancelled_by")
        .prefetch_related(with_people(), "plan_items"),
        pk=pk,
    )
    learners = {r.learner_id for r in visit.registrations.all()}
    if request.user.pk != visit.assessor_id and request.user.pk not in learners:
        raise PermissionDenied("Only the assessor and the learners on this visit can open it.")
    return visit


@login_required
@require_GET
def visit_detail(request, pk: int):
    visit = _get_visit(request, pk)
    is_owner = visit.assessor_id == request.user.pk
    # What the assessor may record for each learner on the visit (observations answers: "Record an observation").
    learner_actions = []
    if not visit.is_cancelled:
        for registration in visit.registrations.all():
            actions = [
                action for answer in hooks.visit_actions.ask(request.user, visit, registration) for action in answer
            ]
            if actions:
                learner_actions.append((registration, actions))
    return render(
        request,
        "planning/visit_detail.html",
        {
            "visit": visit,
            "is_owner": is_owner and not visit.is_cancelled,
            "cancel_form": CancelVisitForm(),
            "learner_actions": learner_actions,
        },
    )


@login_required
def visit_edit(request, pk: int):
    visit = _get_visit(request, pk)
    with domain_errors_as_messages(request):
        check_owner(visit, request.user)
    initial = {
        "date": visit.date,
        "starts_at": visit.starts_at,
        "ends_at": visit.ends_at,
        "purpose": visit.purpose,
        "place": visit.place,
        "meeting_link": visit.meeting_link,
        "registrations": [r.pk for r in visit.registrations.all()],
        # Activities of a plan since revised are no longer offered: the change keeps only current ones.
        "plan_items": [item.pk for item in visit.plan_items.all() if item.version.is_current],
    }
    form = VisitForm(request.POST or None, initial=initial, **_visit_choices(request.user))
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            change_visit(visit=visit, user=request.user, data=form.to_input())
        if outcome.ok:
            messages.success(request, gettext("Visit changed."))
            return redirect("planning:visit-detail", pk=visit.pk)
    return render(request, "planning/visit_form.html", {"form": form, "visit": visit})


@login_required
@require_POST
def visit_cancel(request, pk: int):
    visit = _get_visit(request, pk)
    with domain_errors_as_messages(request):
        check_owner(visit, request.user)
    form = CancelVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Say why the visit is cancelled."))
        return redirect("planning:visit-detail", pk=visit.pk)
    with domain_errors_as_messages(request):
        cancel_visit(visit=visit, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, gettext("Visit cancelled."))
    return redirect("planning:visit-detail", pk=visit.pk)
