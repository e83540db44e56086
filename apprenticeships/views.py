"""Apprenticeship pages: details and training plan, OTJ log, progress reviews, breaks, the employer's signing link
and the employer contact's pages. Each view fetches through a scoped lookup (another centre's or employer's record is
a 404) and calls a service; a person of the right centre in the wrong role gets a 403."""

from __future__ import annotations

import io

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from centres.access import get_centre_for, has_role
from centres.models import Event, Role
from core.spreadsheets import SafeCsvWriter
from core.views import domain_errors_as_messages
from portfolio.access import get_portfolio_for, portfolios_for
from portfolio.models import Registration
from portfolio.services.checks import is_learner

from .forms import (
    ApprenticeshipForm,
    BreakForm,
    DetailsForm,
    EmployerFields,
    EmployerSignForm,
    OtjEntryForm,
    ReviewForm,
)
from .models import (
    Apprenticeship,
    CentreApprenticeshipSettings,
    GatewayChecklist,
    OtjEntry,
    ProgressReview,
    Signature,
    SignatureRole,
    TrainingPlan,
)
from .selectors import (
    employer_apprenticeships,
    ksb_coverage,
    margin_for,
    otj_summary,
    review_state,
    with_otj_hours,
)
from .services import LinkRefused, can_record_otj, is_provider
from .services.gateway import confirm_by_employer, declare_by_learner, gateway_items, record_english_maths
from .services.links import get_employer_link, send_employer_link
from .services.otj_log import criteria_choices, record_otj_entry, verify_otj_entry
from .services.reviews import record_review
from .services.setup import DETAIL_FIELDS, change_details, change_employer, record_break, set_up_apprenticeship
from .services.signing import sign_review, sign_training_plan, sign_with_employer_link

REFUSALS_SHOWN = 5


def _ip(request) -> str | None:
    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # allauth refuses a malformed address: the signature is kept without it
        return None


def _apprenticeship_for(user, registration_pk) -> Apprenticeship:
    registration = get_portfolio_for(user, registration_pk)
    apprenticeship = (
        Apprenticeship.objects.select_related("employer", "employer_contact__user").filter(registration=registration)
    ).first()
    if apprenticeship is None:
        raise Http404("No apprenticeship on this registration.")
    apprenticeship.registration = registration
    return apprenticeship


def _in_scope(user, queryset, pk, registration_path: str):
    """The object, if its registration is one the user may open (else 404)."""
    return get_object_or_404(queryset.filter(**{f"{registration_path}__in": portfolios_for(user).values("pk")}), pk=pk)


def _forbid_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


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
@require_GET
def ksb(request, pk: int):
    """KSB coverage: each of the standard's knowledge, skills and behaviours, its criteria met and OTJ hours."""
    apprenticeship = _apprenticeship_for(request.user, pk)
    rows = ksb_coverage(apprenticeship)
    return render(
        request,
        "apprenticeships/ksb.html",
        {
            "apprenticeship": apprenticeship,
            "registration": apprenticeship.registration,
            "rows": rows,
            "covered": sum(1 for row in rows if row.covered),
        },
    )


@login_required
@require_GET
def gateway(request, pk: int):
    """The end-point assessment gateway checklist."""
    apprenticeship = _apprenticeship_for(request.user, pk)
    registration = apprenticeship.registration
    items = gateway_items(apprenticeship)
    return render(
        request,
        "apprenticeships/gateway.html",
        {
            "apprenticeship": apprenticeship,
            "registration": registration,
            "items": items,
            "ready": all(item.met for item in items),
            "is_learner": is_learner(request.user, registration),
            "is_provider": is_provider(request.user, registration),
        },
    )


@login_required
@require_POST
def gateway_english_maths(request, pk: int):
    apprenticeship = _apprenticeship_for(request.user, pk)
    _forbid_unless(
        is_provider(request.user, apprenticeship.registration), _("Only the assessor or a centre admin record this.")
    )
    with domain_errors_as_messages(request) as outcome:
        record_english_maths(actor=request.user, apprenticeship=apprenticeship, evidence=request.POST.get("evidence"))
    if outcome.ok:
        messages.success(request, _("English and maths evidence recorded."))
    return redirect("apprenticeships:gateway", pk=apprenticeship.registration_id)


@login_required
@require_POST
def gateway_declare(request, pk: int):
    apprenticeship = _apprenticeship_for(request.user, pk)
    _forbid_unless(
        is_learner(request.user, apprenticeship.registration), _("Only the learner makes the learner's declaration.")
    )
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the declaration to confirm it."))
    else:
        with domain_errors_as_messages(request) as outcome:
            declare_by_learner(actor=request.user, apprenticeship=apprenticeship, ip_address=_ip(request))
        if outcome.ok:
            messages.success(request, _("Declaration recorded."))
    return redirect("apprenticeships:gateway", pk=apprenticeship.registration_id)


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
    role = request.POST.get("role")
    if role == SignatureRole.LEARNER:
        _forbid_unless(is_learner(request.user, registration), _("Only the learner signs as the learner."))
    else:
        _forbid_unless(is_provider(request.user, registration), _("Only the assessor or a centre admin signs here."))
        role = SignatureRole.PROVIDER
    with domain_errors_as_messages(request) as outcome:
        sign_training_plan(
            actor=request.user,
            plan=plan,
            role=role,
            content_hash=request.POST.get("content_hash", ""),
            ip_address=_ip(request),
        )
    if outcome.ok:
        messages.success(request, _("You have signed the training plan."))
    return redirect("apprenticeships:detail", pk=registration.pk)


def _send_link(request, *, plan=None, review=None):
    thing = plan or review
    registration = thing.apprenticeship.registration
    _forbid_unless(is_provider(request.user, registration), _("Only the assessor or a centre admin send the link."))
    with domain_errors_as_messages(request) as outcome:
        send_employer_link(actor=request.user, training_plan=plan, review=review)
    if outcome.ok:
        messages.success(
            request,
            _("%(name)s has been emailed a link to sign; it works once.")
            % {"name": thing.apprenticeship.employer_contact.user.full_name},
        )


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


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def employer_sign(request, token: str):
    """The employer signs the plan or review through the one-time link, without signing in."""
    try:
        link = get_employer_link(token)
    except LinkRefused as error:
        return _private(render(request, "apprenticeships/link_closed.html", {"message": str(error)}, status=410))
    thing = link.training_plan or link.review
    form = EmployerSignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            sign_with_employer_link(token=token, ip_address=_ip(request), **form.cleaned_data)
        if outcome.ok:
            return _private(
                render(
                    request,
                    "apprenticeships/link_closed.html",
                    {"message": _("Thank you: your signature has been recorded."), "done": True},
                )
            )
        if isinstance(outcome.error, LinkRefused):
            return _private(
                render(request, "apprenticeships/link_closed.html", {"message": str(outcome.error)}, status=410)
            )
    return _private(
        render(
            request,
            "apprenticeships/employer_sign.html",
            {"link": link, "plan": link.training_plan, "review": link.review, "thing": thing, "form": form},
        )
    )


@login_required
def otj(request, pk: int):
    apprenticeship = _apprenticeship_for(request.user, pk)
    registration = apprenticeship.registration
    may_record = can_record_otj(request.user, registration)
    form = OtjEntryForm(
        request.POST or None,
        criteria=criteria_choices(registration),
        evidence=registration.evidence.order_by("reference"),
    )
    if request.method == "POST":
        _forbid_unless(may_record, _("Only the learner, their assessor or a centre admin record OTJ training."))
        if form.is_valid():
            with domain_errors_as_messages(request, form=form) as outcome:
                record_otj_entry(actor=request.user, apprenticeship=apprenticeship, **form.cleaned_data)
            if outcome.ok:
                messages.success(request, _("Off-the-job training recorded."))
                return redirect("apprenticeships:otj", pk=registration.pk)
    entries = list(
        apprenticeship.otj_entries.select_related("recorded_by", "verified_by", "evidence").prefetch_related(
            "criteria__learning_outcome"
        )
    )
    summary = otj_summary(
        apprenticeship,
        entries=entries,
        breaks=list(apprenticeship.breaks.all()),
        margin_percent=margin_for(registration.centre_id),
    )
    refusals = Event.objects.filter(
        registration_id=registration.pk, action="apprenticeship.otj_refused", centre_id=registration.centre_id
    ).order_by("-at", "-id")[:REFUSALS_SHOWN]
    return render(
        request,
        "apprenticeships/otj.html",
        {
            "apprenticeship": apprenticeship,
            "registration": registration,
            "entries": entries,
            "summary": summary,
            "form": form if may_record else None,
            "refusals": refusals,
            "may_verify": is_provider(request.user, registration),
        },
    )


@login_required
@require_POST
def otj_verify(request, pk: int):
    entry = _in_scope(
        request.user,
        OtjEntry.objects.select_related("apprenticeship__registration"),
        pk,
        "apprenticeship__registration",
    )
    registration = entry.apprenticeship.registration
    _forbid_unless(is_provider(request.user, registration), _("Only the assessor or a centre admin verify entries."))
    with domain_errors_as_messages(request) as outcome:
        verify_otj_entry(actor=request.user, entry=entry)
    if outcome.ok:
        messages.success(request, _("Entry verified."))
    return redirect("apprenticeships:otj", pk=registration.pk)


@login_required
@require_GET
def otj_csv(request, centre_pk: int):
    """Actual OTJ hours per learner for the centre's funding return."""
    centre = get_centre_for(request.user, centre_pk, Role.CENTRE_ADMIN)
    rows = (
        with_otj_hours(Apprenticeship.objects.filter(registration__centre=centre))
        .select_related("registration__learner", "registration__qualification", "employer")
        .order_by("registration__learner__full_name", "pk")
    )
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(
        [
            "learner",
            "uln",
            "qualification",
            "standard",
            "employer",
            "planned_start",
            "planned_end",
            "planned_otj_hours",
            "prior_learning_reduction_hours",
            "otj_target_hours",
            "actual_otj_hours",
            "verified_otj_hours",
        ]
    )
    for row in rows.iterator(chunk_size=1000):
        registration = row.registration
        writer.writerow(
            [
                registration.learner.full_name,
                registration.uln,
                registration.qualification.number,
                row.standard_reference,
                row.employer.name,
                row.planned_start.isoformat(),
                row.planned_end.isoformat(),
                row.planned_otj_hours,
                row.prior_learning_reduction_hours,
                row.otj_target_hours,
                row.otj_actual,
                row.otj_verified,
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="otj-hours-{centre.centre_number}.csv"'
    return response


def _review_for(user, pk) -> ProgressReview:
    return _in_scope(
        user,
        ProgressReview.objects.select_related(
            "apprenticeship__registration__learner",
            "apprenticeship__registration__centre",
            "apprenticeship__employer",
            "apprenticeship__employer_contact__user",
        ),
        pk,
        "apprenticeship__registration",
    )


@login_required
def review(request, pk: int):
    progress_review = _review_for(request.user, pk)
    registration = progress_review.apprenticeship.registration
    provider = is_provider(request.user, registration)
    initial = {
        "held_on": progress_review.held_on or timezone.localdate(),
        **{
            name: getattr(progress_review, name)
            for name in (
                "targets_set",
                "targets_met",
                "english_maths",
                "wellbeing",
                "safeguarding",
                "employer_comments",
            )
        },
    }
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _forbid_unless(provider, _("Only the assessor or a centre admin record the review."))
        if form.is_valid():
            with domain_errors_as_messages(request, form=form) as outcome:
                record_review(actor=request.user, review=progress_review, **form.cleaned_data)
            if outcome.ok:
                messages.success(request, _("Review recorded: it now needs three signatures."))
                return redirect("apprenticeships:review", pk=progress_review.pk)
    signatures = list(progress_review.signatures.all())
    live = {s.role: s for s in signatures if s.voided_at is None}
    return render(
        request,
        "apprenticeships/review.html",
        {
            "review": progress_review,
            "registration": registration,
            "apprenticeship": progress_review.apprenticeship,
            "form": form if provider and progress_review.completed_at is None else None,
            "signatures": signatures,
            "live": live,
            "is_learner": is_learner(request.user, registration),
            "is_provider": provider,
            "state": review_state(progress_review, timezone.localdate()),
        },
    )


@login_required
@require_POST
def review_sign(request, pk: int):
    progress_review = _review_for(request.user, pk)
    registration = progress_review.apprenticeship.registration
    role = request.POST.get("role")
    if role == SignatureRole.LEARNER:
        _forbid_unless(is_learner(request.user, registration), _("Only the learner signs as the learner."))
    else:
        _forbid_unless(is_provider(request.user, registration), _("Only the assessor or a centre admin signs here."))
        role = SignatureRole.PROVIDER
    with domain_errors_as_messages(request) as outcome:
        sign_review(
            actor=request.user,
            review=progress_review,
            role=role,
            content_hash=request.POST.get("content_hash", ""),
            ip_address=_ip(request),
        )
    if outcome.ok:
        messages.success(request, _("You have signed the review."))
    return redirect("apprenticeships:review", pk=progress_review.pk)


@login_required
@require_POST
def review_link(request, pk: int):
    progress_review = _review_for(request.user, pk)
    _send_link(request, review=progress_review)
    return redirect("apprenticeships:review", pk=progress_review.pk)


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


# --- The employer contact's pages ---------------------------------------------------------------------------


def _require_employer_contact(user) -> None:
    if not user.employer_contacts.filter(is_active=True).exists():
        raise PermissionDenied(_("This page is for employer contacts."))


@login_required
@require_GET
def employer_home(request):
    _require_employer_contact(request.user)
    today = timezone.localdate()
    apprenticeships = list(
        with_otj_hours(
            employer_apprenticeships(request.user).filter(registration__status=Registration.Status.ACTIVE)
        ).order_by("registration__learner__full_name", "pk")
    )
    employer_signed = Signature.objects.live().filter(review=OuterRef("pk"), role=SignatureRole.EMPLOYER)
    waiting = list(
        ProgressReview.objects.filter(
            apprenticeship__in=employer_apprenticeships(request.user).values("pk"),
            apprenticeship__registration__status=Registration.Status.ACTIVE,
            completed_at__isnull=True,
        )
        .exclude(content_hash="")
        .exclude(Exists(employer_signed))
        .select_related("apprenticeship__registration__learner")
        .order_by("due_on")
    )
    for apprenticeship in apprenticeships:
        target = apprenticeship.otj_target_hours
        apprenticeship.otj_percent = int(apprenticeship.otj_actual * 100 / target) if target else 0
    return render(
        request,
        "apprenticeships/employer_home.html",
        {"apprenticeships": apprenticeships, "waiting": waiting, "today": today},
    )


@login_required
@require_GET
def employer_apprentice(request, pk: int):
    _require_employer_contact(request.user)
    apprenticeship = get_object_or_404(employer_apprenticeships(request.user), pk=pk)
    registration = apprenticeship.registration
    entries = list(apprenticeship.otj_entries.all())
    breaks = list(apprenticeship.breaks.all())
    summary = otj_summary(
        apprenticeship, entries=entries, breaks=breaks, margin_percent=margin_for(registration.centre_id)
    )
    today = timezone.localdate()
    paused = any(period.covers(today) for period in breaks)
    reviews = list(apprenticeship.reviews.all())
    for item in reviews:
        item.state = review_state(item, today, paused=paused)
    confirmed = GatewayChecklist.objects.filter(
        apprenticeship=apprenticeship, employer_confirmed_at__isnull=False
    ).first()
    settings = CentreApprenticeshipSettings.objects.filter(centre_id=registration.centre_id).first()
    evidence = []
    if settings is not None and settings.employers_see_evidence:
        evidence = list(registration.evidence.exclude(status="draft").order_by("reference")[:50])
    return render(
        request,
        "apprenticeships/employer_apprentice.html",
        {
            "apprenticeship": apprenticeship,
            "registration": registration,
            "summary": summary,
            "reviews": reviews,
            "breaks": breaks,
            "evidence": evidence,
            "confirmed": confirmed,
        },
    )


@login_required
@require_POST
def employer_gateway_confirm(request, pk: int):
    _require_employer_contact(request.user)
    apprenticeship = get_object_or_404(employer_apprenticeships(request.user), pk=pk)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the confirmation to give it."))
    else:
        with domain_errors_as_messages(request) as outcome:
            confirm_by_employer(actor=request.user, apprenticeship=apprenticeship, ip_address=_ip(request))
        if outcome.ok:
            messages.success(request, _("Thank you: your confirmation has been recorded."))
    return redirect("apprenticeships:employer-apprentice", pk=apprenticeship.pk)
