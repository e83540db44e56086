"""Assessment plans of a registration: listed, made, read version by version, revised and signed.

Plans are fetched through planning.selectors.get_plan_for (the portfolios the user may open; anything else 404),
registrations through portfolio.access.get_portfolio_for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from centres.access import has_role
from centres.auth.client import client_ip
from centres.models import Role
from centres.params import parse_id
from core.views import domain_errors_as_messages
from portfolio.access import get_portfolio_for

from ..forms import ItemForm, PlanForm, PlanSignForm, ReviseForm
from ..models import PlanVersion
from ..selectors import get_plan_for, version_page
from ..services.plans import (
    allowed_criteria,
    check_planner,
    check_signer,
    create_plan,
    revise_plan,
    sign_plan,
    signing_role,
    version_hash,
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
