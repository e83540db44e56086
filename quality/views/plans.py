"""IQA sampling plans: the list, a new plan, and the plan page (rates and why, planned against done,
coverage matrices, proposed next samples). EQAs read a plan, reduced to the learners shared with them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views import domain_errors_as_messages

from ..access import get_plan_for, get_plan_for_reader, iqa_centres, plans_for, require_iqa_somewhere
from ..forms import ClearOverrideForm, PlanForm, RateOverrideForm
from ..models import SampleKind
from ..selectors import open_plan_action_count, plan_standardisation
from ..services.coverage import coverage, propose_samples, shared_learner_rows
from ..services.plans import create_plan, override_rate, refresh_rates


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_GET
def plan_list(request):
    require_iqa_somewhere(request.user)
    plans = plans_for(request.user).select_related("centre", "qualification", "iqa").order_by("-period_start", "pk")
    return render(request, "quality/plan_list.html", {"plans": plans})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    require_iqa_somewhere(request.user)
    form = PlanForm(request.POST or None, centres=iqa_centres(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with domain_errors_as_messages(request, form=form):
            plan = create_plan(
                actor=request.user,
                centre=data["centre"],
                qualification=data["qualification"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                notes=data["notes"],
                locations=data["locations"],
            )
            messages.success(request, _("Your sampling plan is ready. Each assessor's rate comes from their risk."))
            return redirect("quality:plan-detail", pk=plan.pk)
    return render(request, "quality/plan_form.html", {"form": form})


@login_required
@require_GET
def plan_detail(request, pk: int):
    view = get_plan_for_reader(request.user, pk)
    plan = view.plan
    cover = coverage(plan)
    learners = cover.learners
    samples = cover.data.samples
    proposals = []
    if view.as_eqa:
        samples = [sample for sample in samples if view.shows_sample(sample)]
        learners = shared_learner_rows(cover, view.scope, samples)
    else:
        proposals = propose_samples(plan, iqa=request.user, cover=cover)
    return render(
        request,
        "quality/plan_detail.html",
        {
            "plan": plan,
            "as_eqa": view.as_eqa,
            "cover": cover,
            "learners": learners,
            "samples": samples,
            "proposals": proposals,
            "open_actions": open_plan_action_count(plan.pk),
            "kinds": SampleKind,
            "standardisation": plan_standardisation(plan, closed_only=view.as_eqa),
        },
    )


@login_required
@require_POST
def plan_rate(request, pk: int):
    plan = get_plan_for(request.user, pk)
    form = RateOverrideForm(request.POST)
    if form.is_valid():
        with domain_errors_as_messages(request):
            override_rate(
                actor=request.user,
                plan=plan,
                assessor_id=form.cleaned_data["assessor"],
                rate_percent=form.cleaned_data["rate_percent"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The rate is set by hand for this plan."))
    else:
        _form_errors(request, form)
    return redirect("quality:plan-detail", pk=plan.pk)


@login_required
@require_POST
def plan_rate_clear(request, pk: int):
    plan = get_plan_for(request.user, pk)
    form = ClearOverrideForm(request.POST)
    if form.is_valid():
        with domain_errors_as_messages(request):
            override_rate(actor=request.user, plan=plan, assessor_id=form.cleaned_data["assessor"], rate_percent=None)
            messages.success(request, _("The rate follows the assessor's risk again."))
    else:
        _form_errors(request, form)
    return redirect("quality:plan-detail", pk=plan.pk)


@login_required
@require_POST
def plan_refresh(request, pk: int):
    plan = get_plan_for(request.user, pk)
    with domain_errors_as_messages(request):
        changes = refresh_rates(plan=plan, actor=request.user)
        if changes:
            messages.success(request, "Rates brought up to date: " + "; ".join(changes) + ".")
        else:
            messages.info(request, _("Every rate was already up to date."))
    return redirect("quality:plan-detail", pk=plan.pk)
