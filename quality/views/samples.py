"""Taking a sample (choose the learner, the kind and the units, then review the decisions), the sample
record, countersigning a trainee IQA's samples, and the actions samples raise (the assessor completes them,
the IQA closes them)."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres import conflicts
from centres.access import centres_where
from centres.models import Role
from centres.params import parse_ids
from core.views import domain_errors_as_messages
from portfolio.models import Registration
from portfolio.selectors import approved_adjustments

from ..access import get_action_for, get_plan_for, get_sample_for, iqa_centres, require_iqa_somewhere
from ..forms import CompleteActionForm, NoteForm, SampleCountersignForm, SampleReviewForm
from ..models import Action, SampleKind, SampleUnit
from ..selectors import sample_details
from ..services.countersign import countersign_queue, countersign_sample, is_countersignatory, named_countersignatory
from ..services.coverage import eligible_for, may_sample
from ..services.plan_data import load_plan_data
from ..services.samples import check_may_sample_learner, close_action, complete_action, record_sample, review_units


@login_required
@require_GET
def sample_start(request, pk: int):
    """Every learner on the plan, with what can be sampled now (interim or summative) or why not."""
    plan = get_plan_for(request.user, pk)
    data = load_plan_data(plan)
    interests = conflicts.interested_learner_ids(request.user, plan.centre_id)
    works_of = defaultdict(list)
    for work in data.work.values():
        works_of[work.registration.pk].append(work)
    rows = []
    for registration in data.registrations:
        works = works_of[registration.pk]
        blocked = (
            conflicts.iqa_conflict(request.user, registration, interested=registration.learner_id in interests) or ""
        )
        counts = {
            kind: sum(1 for work in works if eligible_for(work, kind) and may_sample(work, request.user.pk, interests))
            for kind in (SampleKind.INTERIM, SampleKind.SUMMATIVE)
        }
        rows.append({"registration": registration, "blocked": blocked, **counts})
    return render(request, "quality/sample_start.html", {"plan": plan, "rows": rows})


def _selected_unit_ids(source) -> set[int]:
    return set(parse_ids(source.getlist("unit"))[0])


@login_required
@require_http_methods(["GET", "POST"])
def sample_review(request, pk: int, registration_pk: int, kind: str):
    """Step 1 (no units chosen): choose the units. Step 2: review each decision and record the sample."""
    plan = get_plan_for(request.user, pk)
    if kind not in SampleKind.values:
        raise Http404("No such kind of sample.")
    registration = get_object_or_404(
        Registration.objects.filter(centre_id=plan.centre_id, qualification_id=plan.qualification_id).select_related(
            "centre", "learner", "assessor", "qualification", "pathway"
        ),
        pk=registration_pk,
    )
    with domain_errors_as_messages(request) as outcome:
        check_may_sample_learner(iqa=request.user, plan=plan, registration=registration)
    if not outcome.ok:
        return redirect("quality:sample-start", pk=plan.pk)
    reviews = review_units(registration=registration, kind=kind, iqa=request.user)
    unit_ids = _selected_unit_ids(request.POST if request.method == "POST" else request.GET)
    selected = [review for review in reviews if review.unit.pk in unit_ids and review.eligible]
    context = {"plan": plan, "registration": registration, "kind": kind, "kind_label": SampleKind(kind).label}
    if not selected:
        if unit_ids:
            messages.error(request, _("Choose units that can be sampled this way."))
        return render(request, "quality/sample_units.html", {**context, "reviews": reviews})

    form = SampleReviewForm(request.POST or None, reviews=selected)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with domain_errors_as_messages(request, form=form):
            sample = record_sample(
                actor=request.user,
                plan=plan,
                registration=registration,
                kind=kind,
                unit_ids=[review.unit.pk for review in selected],
                outcomes=data["outcomes"],
                comments=data["comments"],
                location=data["location"],
                records_checked=data["records_checked"],
                feedback=data["feedback"],
                actions=data["actions"],
            )
            if sample.awaiting_countersignature:
                messages.success(
                    request,
                    _(
                        "Sample recorded. It awaits your countersignatory: until they confirm "
                        "it, no unit is signed or reopened and no action is raised."
                    ),
                )
            else:
                messages.success(request, "Sample recorded." + _results_phrase(sample))
            return redirect("quality:sample-detail", pk=sample.pk)
    return render(
        request,
        "quality/sample_review.html",
        {
            **context,
            "reviews": selected,
            "form": form,
            "locations": plan.location_list,
            "adjustments": approved_adjustments(registration, [review.unit.pk for review in selected]),
        },
    )


def _results_phrase(sample) -> str:
    results = []
    for sample_unit in sample.units.select_related("unit"):
        if sample_unit.result == SampleUnit.Result.IQA_SIGNED:
            results.append(f"{sample_unit.unit.reference} signed on the IQA line")
        elif sample_unit.result == SampleUnit.Result.REOPENED:
            results.append(f"{sample_unit.unit.reference} reopened for the assessor")
    return " " + "; ".join(results) + "." if results else ""


@login_required
@require_GET
def sample_detail(request, pk: int):
    view = get_sample_for(request.user, pk)
    sample = view.sample
    detail = sample_details([sample])[sample.pk]
    countersignatory = named_countersignatory(sample) if sample.awaiting_countersignature else None
    return render(
        request,
        "quality/sample_detail.html",
        {
            "sample": sample,
            "detail": detail,
            "as_iqa": view.as_iqa,
            "as_eqa": view.as_eqa,
            "countersignatory": countersignatory,
            "may_countersign": countersignatory is not None and countersignatory.pk == request.user.pk,
            "adjustments": approved_adjustments(sample.registration, [u.unit_id for u in sample.units.all()]),
            "countersign_form": SampleCountersignForm(),
            "complete_form": CompleteActionForm(),
            "close_form": NoteForm(),
        },
    )


# --- Countersigning a trainee IQA's samples -----------------------------------------------------------------


@login_required
@require_GET
def countersign_queue_view(request):
    """The samples of the trainee IQAs this IQA countersigns, waiting for them."""
    require_iqa_somewhere(request.user)
    return render(request, "quality/countersign_queue.html", {"samples": countersign_queue(request.user)})


@login_required
@require_POST
def sample_countersign(request, pk: int):
    """Confirm a trainee IQA's sample (what follows from it is applied) or return it with a note."""
    view = get_sample_for(request.user, pk)
    sample = view.sample
    # Seeing the sample is not enough: only the countersignatory named for its IQA may act (the service checks too).
    if not (view.as_iqa and is_countersignatory(request.user, sample)):
        raise PermissionDenied("Only the countersignatory named for this IQA may countersign their samples.")
    form = SampleCountersignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to confirm or return the sample (a note has at most 2000 characters)."))
        return redirect("quality:sample-detail", pk=sample.pk)
    confirm = form.cleaned_data["outcome"] == "confirm"
    with domain_errors_as_messages(request):
        sample = countersign_sample(actor=request.user, sample=sample, confirm=confirm, note=form.cleaned_data["note"])
        if confirm:
            messages.success(request, "Sample countersigned." + _results_phrase(sample))
        else:
            messages.success(request, (_("Sample returned to %(iqa)s with your note.") % {"iqa": sample.iqa}))
    return redirect("quality:sample-detail", pk=sample.pk)


# --- Actions ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def action_list(request):
    """An assessor's actions to complete, and an IQA's actions to close."""
    is_assessor = centres_where(request.user, Role.ASSESSOR).exists()
    centres = iqa_centres(request.user)
    is_iqa = centres.exists()
    if not (is_assessor or is_iqa):
        raise PermissionDenied("Only assessors and IQAs have actions.")
    related = ("sample__registration__learner", "sample__plan__qualification", "sample__iqa", "assessor", "closed_by")
    mine = list(Action.objects.filter(assessor=request.user).select_related(*related).order_by("closed_at", "due_on"))
    to_close = []
    if is_iqa:
        to_close = list(
            Action.objects.open()
            .filter(sample__plan__centre__in=centres)
            .exclude(assessor=request.user)
            .select_related(*related)
            .order_by("completed_at", "due_on")
        )
    return render(
        request,
        "quality/action_list.html",
        {
            "mine": mine,
            "to_close": to_close,
            "is_iqa": is_iqa,
            "complete_form": CompleteActionForm(),
            "close_form": NoteForm(),
        },
    )


def _back(request, action: Action):
    target = request.POST.get("next")
    if target == "sample":
        return redirect("quality:sample-detail", pk=action.sample_id)
    return redirect("quality:action-list")


@login_required
@require_POST
def action_complete(request, pk: int):
    action = get_action_for(request.user, pk)
    form = CompleteActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what you did to complete the action."))
        return _back(request, action)
    with domain_errors_as_messages(request):
        complete_action(actor=request.user, action=action, note=form.cleaned_data["note"])
        messages.success(request, _("Action completed. The IQA will close it."))
    return _back(request, action)


@login_required
@require_POST
def action_close(request, pk: int):
    action = get_action_for(request.user, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return _back(request, action)
    with domain_errors_as_messages(request):
        close_action(actor=request.user, action=action, note=form.cleaned_data["note"])
        messages.success(request, _("Action closed."))
    return _back(request, action)
