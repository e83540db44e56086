"""Apprenticeship details, the training plan and its signatures, breaks in learning and the centre's settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from centres.access import get_centre_for, has_role
from centres.auth.client import client_ip
from centres.models import Role
from core.views import domain_errors_as_messages
from portfolio.access import get_portfolio_for
from portfolio.services.checks import is_learner

from ..forms import (
    ApprenticeshipForm,
    BreakEndForm,
    BreakForm,
    DetailsForm,
    EmployerFields,
)
from ..models import (
    Apprenticeship,
    BreakInLearning,
    CentreApprenticeshipSettings,
    SignatureRole,
    TrainingPlan,
)
from ..selectors import (
    review_state,
)
from ..services import is_provider
from ..services.setup import (
    DETAIL_FIELDS,
    change_details,
    change_employer,
    end_break,
    record_break,
    set_up_apprenticeship,
)
from ..services.signing import sign_training_plan
from ._common import (
    _apprenticeship_for,
    _forbid_unless,
    _in_scope,
    _send_link,
    signing_role,
)


def _plan_context(apprenticeship) -> dict:
    plans = list(apprenticeship.training_plans.prefetch_related("signatures").select_related("employer"))
    current = next((plan for plan in plans if plan.superseded_at is None), None)
    for plan in plans:
        plan.live_signatures = {s.role: s for s in plan.signatures.all() if s.voided_at is None}
    return {"plans": plans, "current_plan": current}


@login_required
@require_GET
def detail(request, pk: int):
    apprenticeship = _apprenticeship_for(request.user, pk)
    registration = apprenticeship.registration
    today = timezone.localdate()
    breaks = list(apprenticeship.breaks.all())
    paused = any(period.covers(today) for period in breaks)
    reviews = list(apprenticeship.reviews.prefetch_related("signatures"))
    for review in reviews:
        review.state = review_state(review, today, paused=paused)
    return render(
        request,
        "apprenticeships/detail.html",
        {
            "apprenticeship": apprenticeship,
            "registration": registration,
            "reviews": reviews,
            "breaks": breaks,
            "break_form": BreakForm(),
            "is_learner": is_learner(request.user, registration),
            "is_provider": is_provider(request.user, registration),
            "is_admin": has_role(request.user, Role.CENTRE_ADMIN, registration.centre_id),
            "roles": SignatureRole,
            **_plan_context(apprenticeship),
        },
    )


@login_required
def setup(request, pk: int):
    registration = get_portfolio_for(request.user, pk)
    _forbid_unless(
        has_role(request.user, Role.CENTRE_ADMIN, registration.centre_id),
        _("Only a centre admin may set up an apprenticeship."),
    )
    if Apprenticeship.objects.filter(registration=registration).exists():
        return redirect("apprenticeships:detail", pk=registration.pk)
    form = ApprenticeshipForm(request.POST or None, initial={"planned_start": registration.start_date})
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            set_up_apprenticeship(actor=request.user, registration=registration, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Apprenticeship set up: the training plan now needs three signatures."))
            return redirect("apprenticeships:detail", pk=registration.pk)
    return render(request, "apprenticeships/setup.html", {"registration": registration, "form": form})


@login_required
def details_change(request, pk: int):
    apprenticeship = _apprenticeship_for(request.user, pk)
    registration = apprenticeship.registration
    _forbid_unless(
        has_role(request.user, Role.CENTRE_ADMIN, registration.centre_id),
        _("Only a centre admin may change the details."),
    )
    form = DetailsForm(request.POST or None, initial={field: getattr(apprenticeship, field) for field in DETAIL_FIELDS})
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            plan = change_details(actor=request.user, apprenticeship=apprenticeship, **form.cleaned_data)
        if outcome.ok:
            if plan is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("Details changed: a new training plan needs three signatures."))
            return redirect("apprenticeships:detail", pk=registration.pk)
    return render(
        request,
        "apprenticeships/details_change.html",
        {"apprenticeship": apprenticeship, "registration": registration, "form": form},
    )


@login_required
def employer_change(request, pk: int):
    apprenticeship = _apprenticeship_for(request.user, pk)
    registration = apprenticeship.registration
    _forbid_unless(
        has_role(request.user, Role.CENTRE_ADMIN, registration.centre_id),
        _("Only a centre admin may change the employer."),
    )
    form = EmployerFields(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            change_employer(actor=request.user, apprenticeship=apprenticeship, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Employer changed: a new training plan needs three signatures."))
            return redirect("apprenticeships:detail", pk=registration.pk)
    return render(
        request,
        "apprenticeships/employer_change.html",
        {"apprenticeship": apprenticeship, "registration": registration, "form": form},
    )


@login_required
@require_POST
def plan_sign(request, pk: int):
    plan = _in_scope(
        request.user,
        TrainingPlan.objects.select_related("apprenticeship__registration"),
        pk,
        "apprenticeship__registration",
    )
    registration = plan.apprenticeship.registration
    role = signing_role(request, registration)
    with domain_errors_as_messages(request) as outcome:
        sign_training_plan(
            actor=request.user,
            plan=plan,
            role=role,
            content_hash=request.POST.get("content_hash", ""),
            ip_address=client_ip(request),
        )
    if outcome.ok:
        messages.success(request, _("You have signed the training plan."))
    return redirect("apprenticeships:detail", pk=registration.pk)


@login_required
@require_POST
def plan_link(request, pk: int):
    plan = _in_scope(
        request.user,
        TrainingPlan.objects.select_related(
            "apprenticeship__registration__centre", "apprenticeship__employer_contact__user"
        ),
        pk,
        "apprenticeship__registration",
    )
    _send_link(request, plan=plan)
    return redirect("apprenticeships:detail", pk=plan.apprenticeship.registration_id)


@login_required
@require_POST
def break_add(request, pk: int):
    apprenticeship = _apprenticeship_for(request.user, pk)
    registration = apprenticeship.registration
    _forbid_unless(is_provider(request.user, registration), _("Only the assessor or a centre admin record a break."))
    form = BreakForm(request.POST)
    if form.is_valid():
        with domain_errors_as_messages(request) as outcome:
            record_break(actor=request.user, apprenticeship=apprenticeship, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Break in learning recorded."))
    else:
        messages.error(request, _("Give the start date and the reason for the break."))
    return redirect("apprenticeships:detail", pk=registration.pk)


@login_required
def centre_settings(request, centre_pk: int):
    centre = get_centre_for(request.user, centre_pk, Role.CENTRE_ADMIN)
    current = CentreApprenticeshipSettings.objects.filter(centre=centre).first() or CentreApprenticeshipSettings(
        centre=centre
    )
    from django.forms import modelform_factory

    Form = modelform_factory(
        CentreApprenticeshipSettings,
        fields=["review_interval_weeks", "otj_behind_margin_percent", "employers_see_evidence"],
    )
    form = Form(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        interval = form.cleaned_data["review_interval_weeks"]
        margin = form.cleaned_data["otj_behind_margin_percent"]
        if not 1 <= interval <= 12 or margin > 100:
            messages.error(request, _("Reviews are due at least every 12 weeks; the margin is a percentage."))
        else:
            saved = form.save()
            from centres.models import record_event

            record_event(
                action="apprenticeship.settings_changed",
                obj=saved,
                actor=request.user,
                centre=centre,
                summary="Apprenticeship settings changed",
                review_interval_weeks=interval,
                otj_behind_margin_percent=margin,
                employers_see_evidence=saved.employers_see_evidence,
            )
            messages.success(request, _("Settings saved."))
            return redirect("apprenticeships:centre-settings", centre_pk=centre.pk)
    return render(request, "apprenticeships/centre_settings.html", {"centre": centre, "form": form})


@login_required
@require_POST
def break_end(request, pk: int):
    """End an open break in learning: the reviews not yet held move on by its length."""
    break_in_learning = _in_scope(
        request.user,
        BreakInLearning.objects.select_related("apprenticeship__registration"),
        pk,
        "apprenticeship__registration",
    )
    registration = break_in_learning.apprenticeship.registration
    _forbid_unless(is_provider(request.user, registration), _("Only the assessor or a centre admin end a break."))
    form = BreakEndForm(request.POST)
    if form.is_valid():
        with domain_errors_as_messages(request) as outcome:
            end_break(actor=request.user, break_in_learning=break_in_learning, ends_on=form.cleaned_data["ends_on"])
        if outcome.ok:
            messages.success(request, _("Break in learning ended: the reviews not yet held have moved on."))
    else:
        messages.error(request, _("Give the date the break ended."))
    return redirect("apprenticeships:detail", pk=registration.pk)
