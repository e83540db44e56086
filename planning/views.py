"""Assessment plans, visits, the assessor's calendar and the calendar feed.

Plans are fetched through planning.selectors.get_plan_for (the portfolios the user may open; anything else 404),
registrations through portfolio.access.get_portfolio_for, visits through selectors.visits_for (another centre's:
404; someone of the centre who is neither the assessor nor a learner on it: 403). The iCal feed needs no sign-in:
its secret token is the key, and a revoked token is a 404."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from centres.access import has_role
from centres.auth.client import client_ip
from centres.models import Role
from centres.params import parse_id
from core.views import domain_errors_as_messages
from portfolio.access import get_portfolio_for

from . import hooks
from .forms import CancelVisitForm, ItemForm, PlanForm, PlanSignForm, ReviseForm, VisitForm
from .ical import feed_calendar, feed_host
from .models import CalendarFeed, PlanItem, PlanVersion
from .selectors import calendar_page, feed_visits, get_plan_for, version_page, visits_for, with_people
from .services.plans import (
    allowed_criteria,
    check_planner,
    check_signer,
    create_plan,
    revise_plan,
    sign_plan,
    signing_role,
    version_hash,
)
from .services.visits import (
    cancel_visit,
    caseload,
    change_visit,
    check_owner,
    check_scheduler,
    new_feed,
    revoke_feed,
    schedule_visit,
)


def _criteria_choices(registration) -> list:
    groups: dict[str, list] = {}
    for criterion in allowed_criteria(registration).select_related("unit").order_by("unit__reference", "id"):
        label = f"{criterion.unit.reference} {criterion.unit.title}"
        groups.setdefault(label, []).append((criterion.pk, f"{criterion.code} {criterion.text[:90]}"))
    return list(groups.items())


def _item_formset(registration, data=None, initial=None, extra: int = 2):
    from django.forms import formset_factory

    formset_class = formset_factory(ItemForm, extra=extra, max_num=30, absolute_max=30)
    return formset_class(
        data, initial=initial, prefix="item", form_kwargs={"criteria_choices": _criteria_choices(registration)}
    )


def _items_from(formset) -> list:
    return [form.to_input() for form in formset.forms if form.has_changed() and form.cleaned_data]


@login_required
@require_GET
def registration_plans(request, registration_pk: int):
    registration = get_portfolio_for(request.user, registration_pk)
    plans = list(registration.assessment_plans.prefetch_related("versions__signatures").order_by("-created_at", "-pk"))
    rows = []
    for plan in plans:
        versions = sorted(plan.versions.all(), key=lambda v: v.number)
        current = next((v for v in versions if v.is_current), versions[-1] if versions else None)
        rows.append({"plan": plan, "version": current, "signed": len(current.signatures.all()) if current else 0})
    may_plan = request.user.pk == registration.assessor_id and has_role(
        request.user, Role.ASSESSOR, registration.centre_id
    )
    return render(
        request, "planning/plan_list.html", {"registration": registration, "rows": rows, "may_plan": may_plan}
    )


@login_required
def plan_create(request, registration_pk: int):
    registration = get_portfolio_for(request.user, registration_pk)
    with domain_errors_as_messages(request):
        check_planner(registration, request.user)
    form = PlanForm(request.POST or None)
    formset = _item_formset(registration, request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            version = create_plan(
                registration=registration,
                user=request.user,
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
                items=_items_from(formset),
            )
        if outcome.ok:
            messages.success(request, gettext("Plan saved. You and the learner can now sign it."))
            return redirect("planning:plan-detail", pk=version.plan_id)
    return render(
        request,
        "planning/plan_form.html",
        {"registration": registration, "form": form, "formset": formset, "revising": False},
    )


@login_required
@require_GET
def plan_detail(request, pk: int):
    plan = get_plan_for(request.user, pk)
    number = request.GET.get("version")
    try:
        page = version_page(plan, parse_id(number) if number else None)
    except PlanVersion.DoesNotExist:
        raise Http404("No such version of the plan.") from None
    version = page.version
    signed_roles = {signature.role for signature in page.signatures}
    sign_form = None
    sign_role = None
    if version.is_current:
        sign_role = signing_role(version, request.user)
        if sign_role and sign_role not in signed_roles:
            sign_form = PlanSignForm(initial={"content_hash": version_hash(version)})
    registration = plan.registration
    may_revise = (
        version.is_current
        and request.user.pk == registration.assessor_id
        and has_role(request.user, Role.ASSESSOR, registration.centre_id)
    )
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "registration": registration,
            "page": page,
            "version": version,
            "sign_form": sign_form,
            "sign_role": sign_role,
            "may_revise": may_revise,
            "fully_signed": {"learner", "assessor"} <= signed_roles,
        },
    )


@login_required
def plan_revise(request, pk: int):
    plan = get_plan_for(request.user, pk)
    registration = plan.registration
    with domain_errors_as_messages(request):
        check_planner(registration, request.user)
    current = plan.versions.get(is_current=True)
    initial = [
        {
            "activity": item.activity,
            "criteria": [c.pk for c in item.criteria.all()],
            "methods": [m.pk for m in item.methods.all()],
            "recorded_by": item.recorded_by,
            "due_on": item.due_on,
        }
        for item in current.items.prefetch_related("criteria", "methods").order_by("position")
    ]
    form = ReviseForm(request.POST or None, initial={"notes": current.notes})
    formset = _item_formset(registration, request.POST or None, initial=initial, extra=1)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            version = revise_plan(
                plan=plan,
                user=request.user,
                reason=form.cleaned_data["reason"],
                notes=form.cleaned_data["notes"],
                items=_items_from(formset),
            )
        if outcome.ok:
            messages.success(
                request,
                gettext("Version %(number)s of the plan saved: both of you sign it.") % {"number": version.number},
            )
            return redirect("planning:plan-detail", pk=plan.pk)
    return render(
        request,
        "planning/plan_form.html",
        {"registration": registration, "plan": plan, "form": form, "formset": formset, "revising": True},
    )


@login_required
@require_POST
def plan_sign(request, pk: int):
    plan = get_plan_for(request.user, pk)
    version = plan.versions.get(is_current=True)
    version.plan = plan
    with domain_errors_as_messages(request):  # neither the learner nor their assessor: 403
        check_signer(version, request.user)
    form = PlanSignForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Tick that you have read the plan and agree to it, then sign."))
        return redirect("planning:plan-detail", pk=plan.pk)
    with domain_errors_as_messages(request):
        sign_plan(
            version=version,
            user=request.user,
            expected_hash=form.cleaned_data["content_hash"],
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        messages.success(request, gettext("You signed version %(number)s of the plan.") % {"number": version.number})
    return redirect("planning:plan-detail", pk=plan.pk)


# --- Visits and the calendar ---------------------------------------------------------------------------------


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


# --- The calendar feed -----------------------------------------------------------------------------------------


@login_required
@require_GET
def feed(request):
    live = CalendarFeed.objects.live().filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("planning:ical", args=[live.token])) if live else ""
    return render(request, "planning/feed.html", {"feed": live, "url": url})


@login_required
@require_POST
def feed_new(request):
    new_feed(user=request.user)
    messages.success(request, gettext("Your new calendar address is ready; the old one no longer works."))
    return redirect("planning:feed")


@login_required
@require_POST
def feed_revoke(request):
    revoke_feed(user=request.user)
    messages.success(request, gettext("Your calendar address no longer works."))
    return redirect("planning:feed")


@require_GET
def ical(request, token: str):
    live = CalendarFeed.objects.live().filter(token=token, user__is_active=True).select_related("user").first()
    if live is None:
        raise Http404("No such calendar.")
    user = live.user
    body = feed_calendar(
        user,
        feed_visits(user),
        host=feed_host(),
        url_for=lambda visit: request.build_absolute_uri(reverse("planning:visit-detail", args=[visit.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
