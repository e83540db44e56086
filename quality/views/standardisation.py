"""Standardisation pages: the list, a new activity (two steps: the unit, then what is judged and by whom), the
activity (what is judged; an invited assessor's judging form), the results (criterion × assessor, agreement
marked; the IQA's agreed outcomes, minutes and actions) and the IQA's steps (close judging, outcomes, actions,
close)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.access import centres_where
from centres.models import Role, User
from core.views import domain_errors_as_messages
from qualifications.models import Qualification, QualificationUnit, Unit

from .. import selectors
from ..access import get_activity_for, iqa_centres, require_iqa_somewhere, standardisation_for
from ..models import StandardisationActivity, StandardisationParticipant
from ..services.standardisation.activity import create_activity
from ..services.standardisation.judging import JudgementInput, close_judging, submit_judgements
from ..services.standardisation.review import OutcomeInput, add_action, close_activity, record_outcomes
from ..standardisation_forms import (
    ActivityForm,
    JudgementForm,
    OutcomesForm,
    StandardisationActionForm,
    StartForm,
)


def _run(request, step, success: str) -> bool:
    """Call a service step: NotAllowed is a 403, any other rule broken a message. True when it worked."""
    with domain_errors_as_messages(request) as outcome:
        step()
        messages.success(request, success)
    return outcome.ok


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_GET
def standardisation_list(request):
    """An IQA's activities at their centres, and an assessor's activities they are invited to."""
    if not centres_where(request.user, Role.IQA, Role.ASSESSOR).exists():
        raise PermissionDenied("Standardisation is for the centre's assessors and IQAs.")
    activities = list(
        standardisation_for(request.user)
        .select_related("centre", "qualification", "unit", "iqa")
        .annotate(
            invited=Count("participants", distinct=True),
            submitted=Count("participants", filter=Q(participants__submitted_at__isnull=False), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )
    mine = {
        participant["activity_id"]: participant["submitted_at"]
        for participant in StandardisationParticipant.objects.filter(
            assessor=request.user, activity__in=[activity.pk for activity in activities]
        ).values("activity_id", "submitted_at")
    }
    rows = [
        {"activity": activity, "invited": activity.pk in mine, "my_submitted": mine.get(activity.pk)}
        for activity in activities
    ]
    return render(
        request,
        "quality/standardisation/list.html",
        {"rows": rows, "is_iqa": iqa_centres(request.user).exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def standardisation_create(request):
    """Step one (no `unit` in the query): choose the unit. Step two: what is judged, the criteria and assessors."""
    require_iqa_somewhere(request.user)
    start = StartForm(request.GET or None, centres=iqa_centres(request.user))
    if not start.is_bound or not start.is_valid():
        return render(request, "quality/standardisation/start.html", {"form": start})
    centre = start.cleaned_data["centre"]
    qualification_id, unit_id = start.cleaned_data["unit"]
    entry = get_object_or_404(
        QualificationUnit.objects.select_related("qualification", "unit"),
        qualification_id=qualification_id,
        unit_id=unit_id,
    )
    qualification: Qualification = entry.qualification
    unit: Unit = entry.unit
    form = ActivityForm(request.POST or None, centre=centre, qualification=qualification, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with domain_errors_as_messages(request, form=form):
            activity = create_activity(
                actor=request.user,
                centre=centre,
                qualification=qualification,
                unit=unit,
                title=data["title"],
                criteria=list(data["criteria"]),
                assessors=list(data["assessors"]),
                evidence=data["evidence"],
                exemplar=data["exemplar"],
            )
            messages.success(request, _("The activity is set: each assessor invited can now judge it on their own."))
            return redirect("quality:standardisation-detail", pk=activity.pk)
    return render(
        request,
        "quality/standardisation/form.html",
        {
            "form": form,
            "centre": centre,
            "qualification": qualification,
            "unit": unit,
            "action": f"{reverse('quality:standardisation-create')}?{request.GET.urlencode()}",
        },
    )


def _criteria(activity):
    return list(activity.criteria.select_related("criterion").order_by("criterion__order", "pk"))


@login_required
@require_GET
def standardisation_detail(request, pk: int):
    view = get_activity_for(request.user, pk)
    return _detail(request, view)


def _detail(request, view, form=None, status=200):
    activity = view.activity
    criteria = _criteria(activity)
    participant = view.participant
    judging = (
        participant is not None
        and participant.submitted_at is None
        and activity.status == StandardisationActivity.Status.JUDGING
    )
    if judging and form is None:
        form = JudgementForm(criteria=criteria)
    participants = list(activity.participants.select_related("assessor")) if view.as_iqa or view.as_eqa else []
    shown = activity.evidence_id is not None and view.evidence_shown
    files = list(activity.evidence.files.all()) if shown else []
    methods = list(activity.evidence.methods.all()) if shown else []
    return render(
        request,
        "quality/standardisation/detail.html",
        {
            "view": view,
            "activity": activity,
            "criteria": criteria,
            "form": form if judging else None,
            "participants": participants,
            "files": files,
            "methods": methods,
        },
        status=status,
    )


@login_required
@require_POST
def standardisation_judge(request, pk: int):
    view = get_activity_for(request.user, pk)
    if view.participant is None:
        raise PermissionDenied("Only the assessors invited to this standardisation judge it.")
    form = JudgementForm(request.POST, criteria=_criteria(view.activity))
    if not form.is_valid():
        if view.participant.submitted_at is not None or view.activity.status != StandardisationActivity.Status.JUDGING:
            # Nothing to correct: say why the judgements cannot be taken.
            _run(request, lambda: submit_judgements(actor=request.user, activity=view.activity, judgements={}), "")
            return redirect("quality:standardisation-detail", pk=pk)
        messages.error(request, _("Give a judgement and a reason for every criterion."))
        return _detail(request, view, form=form, status=400)
    judgements = {pk_: JudgementInput(verdict, rationale) for pk_, (verdict, rationale) in form.judgements().items()}
    if _run(
        request,
        lambda: submit_judgements(actor=request.user, activity=view.activity, judgements=judgements),
        "Your judgements are submitted. You can now see how the other assessors judged it.",
    ):
        return redirect("quality:standardisation-results", pk=pk)
    return redirect("quality:standardisation-detail", pk=pk)


@login_required
@require_GET
def standardisation_results(request, pk: int):
    view = get_activity_for(request.user, pk)
    if not view.may_see_judgements:
        if view.as_iqa:
            raise PermissionDenied("The judgements are shown once you close judging.")
        raise PermissionDenied("Submit your own judgements first: then you see the others'.")
    activity = view.activity
    results = selectors.standardisation_results(activity)
    reviewing = view.as_iqa and activity.status == StandardisationActivity.Status.REVIEW
    outcomes_form = action_form = None
    if reviewing:
        outcomes_form = OutcomesForm(criteria=[row.item for row in results.rows], minutes=activity.minutes)
        action_form = StandardisationActionForm(
            assessors=_participant_users(activity),
        )
    return render(
        request,
        "quality/standardisation/results.html",
        {
            "view": view,
            "activity": activity,
            "results": results,
            "reviewing": reviewing,
            "outcome_rows": [(row, *outcomes_form.fields_for(row.item)) for row in results.rows]
            if outcomes_form
            else [],
            "outcomes_form": outcomes_form,
            "action_form": action_form,
        },
    )


def _participant_users(activity):
    return User.objects.filter(pk__in=activity.participants.values("assessor_id")).order_by("full_name", "email")


def _iqa_view(request, pk: int):
    view = get_activity_for(request.user, pk)
    if not view.as_iqa:
        raise PermissionDenied("Only the centre's IQAs run standardisation.")
    return view


@login_required
@require_POST
def standardisation_close_judging(request, pk: int):
    view = _iqa_view(request, pk)
    if _run(
        request,
        lambda: close_judging(actor=request.user, activity=view.activity),
        "Judging is closed: compare the judgements and record what was agreed.",
    ):
        return redirect("quality:standardisation-results", pk=pk)
    return redirect("quality:standardisation-detail", pk=pk)


@login_required
@require_POST
def standardisation_outcomes(request, pk: int):
    view = _iqa_view(request, pk)
    form = OutcomesForm(request.POST, criteria=_criteria(view.activity))
    if not form.is_valid():
        _form_errors(request, form)
    else:
        outcomes = {pk_: OutcomeInput(outcome, note) for pk_, (outcome, note) in form.outcomes().items()}
        _run(
            request,
            lambda: record_outcomes(
                actor=request.user, activity=view.activity, outcomes=outcomes, minutes=form.cleaned_data["minutes"]
            ),
            "The agreed outcomes and minutes are saved.",
        )
    return redirect(_back(view))


@login_required
@require_POST
def standardisation_action(request, pk: int):
    view = _iqa_view(request, pk)
    form = StandardisationActionForm(request.POST, assessors=_participant_users(view.activity))
    if not form.is_valid():
        _form_errors(request, form)
    else:
        data = form.cleaned_data
        _run(
            request,
            lambda: add_action(
                actor=request.user,
                activity=view.activity,
                assessor=data["assessor"],
                text=data["text"],
                due_on=data["due_on"],
            ),
            f"Action set for {data['assessor']}.",
        )
    return redirect(_back(view))


@login_required
@require_POST
def standardisation_close(request, pk: int):
    view = _iqa_view(request, pk)
    _run(
        request,
        lambda: close_activity(actor=request.user, activity=view.activity),
        "The standardisation record is closed. It shows on the sampling plan and to the EQA.",
    )
    return redirect(_back(view))


def _back(view) -> str:
    if view.activity.status == StandardisationActivity.Status.JUDGING:
        return reverse("quality:standardisation-detail", args=[view.activity.pk])
    return reverse("quality:standardisation-results", args=[view.activity.pk])
