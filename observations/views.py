"""The assessor's observation and professional discussion pages (made on a phone during a visit) and the learner's
confirmation of an observation. Thin: the scoped lookups of portfolio.access, then observations.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.views import domain_errors_as_messages
from planning.selectors import visits_for
from portfolio.access import get_portfolio_for, portfolios_for
from portfolio.progress import unit_statuses
from portfolio.services import AlreadyDone
from portfolio.services.checks import is_assessor, is_learner
from portfolio.views._helpers import refused_upload_messages, require_permission, upload_view

from .forms import RecordForm
from .models import AssessmentRecord
from .services.discussions import parse_markers, record_discussion
from .services.recording import RecordInput, max_recording_bytes, record_observation, recording_limit_label
from .services.signatures import SignatureInput, confirm_observation


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _criteria_choices(registration, chosen: set[int]) -> list[dict]:
    """The plan's units, grouped by learning outcome, with each required criterion (as the evidence link page)."""
    units = []
    for status in unit_statuses(registration):
        outcomes = []
        for outcome in status.outcomes:
            rows = [
                {"status": criterion_status, "checked": criterion_status.criterion.pk in chosen}
                for criterion_status in outcome.criteria
                if criterion_status.required
            ]
            if rows:
                outcomes.append({"outcome": outcome.outcome, "rows": rows})
        if outcomes:
            units.append(
                {
                    "status": status,
                    "outcomes": outcomes,
                    "chosen": sum(r["checked"] for o in outcomes for r in o["rows"]),
                }
            )
    return units


def _chosen(request) -> list[str]:
    return request.POST.getlist("criteria")


def _chosen_ids(request) -> set[int]:
    return {int(raw) for raw in _chosen(request) if raw.isdigit()}


def _answer(request, outcome, record, form, refused: list[str]):
    """After a post: the record's evidence page, or (for the page's script) JSON saying where to go or what is
    wrong."""
    if record is not None or isinstance(outcome.error, AlreadyDone):
        evidence = record.evidence if record is not None else outcome.error.obj
        url = reverse("portfolio:evidence-detail", args=[evidence.pk])
        if _wants_json(request):
            return JsonResponse({"ok": True, "url": url})
        return redirect(url)
    if _wants_json(request):
        errors = [*refused]
        for name, field_errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            errors.extend(f"{label}: {error}" if label else str(error) for error in field_errors)
        # Said here in JSON: not again on the next page.
        errors.extend(str(message) for message in messages.get_messages(request))
        return JsonResponse({"ok": False, "errors": errors or [_("Nothing was saved.")]}, status=400)
    for message in refused:
        messages.error(request, message)
    return None


class _NoOutcome:
    error = None
    ok = False


def _signature(request, prefix: str) -> SignatureInput:
    return SignatureInput(
        name=request.POST.get(f"{prefix}_name", ""),
        image=request.POST.get(f"{prefix}_signature", ""),
        typed=request.POST.get(f"{prefix}_typed", ""),
        signed_content=request.POST.get(f"{prefix}_signed_content", ""),
    )


def _page_context(registration, form, request, **extra) -> dict:
    return {
        "registration": registration,
        "form": form,
        "units": _criteria_choices(registration, _chosen_ids(request) if request.method == "POST" else set()),
        "recording_limit": recording_limit_label(),
        "recording_max_bytes": max_recording_bytes(),
        **extra,
    }


def _visit_of(request):
    """The visit the observation is recorded from (?visit= on the visit page's link, kept in the form): one the
    user may open, else 404; the service checks it is theirs, not cancelled, with this learner on it."""
    raw = request.POST.get("visit") or request.GET.get("visit") or ""
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(visits_for(request.user), pk=int(raw))


@upload_view
@login_required
def observation_new(request, registration_pk: int):
    registration = get_portfolio_for(request.user, registration_pk)
    require_permission(is_assessor(request.user, registration), _("Only the learner's assessor records observations."))
    visit = _visit_of(request)
    form = RecordForm(request.POST or None, default_title=_("Observation"))
    if request.method == "POST":
        refused = refused_upload_messages(request)
        record, outcome = None, _NoOutcome()
        if form.is_valid() and not refused:
            data = form.cleaned_data
            with domain_errors_as_messages(request) as outcome:
                record = record_observation(
                    actor=request.user,
                    registration=registration,
                    data=RecordInput(
                        title=data["title"],
                        date=data["date"],
                        observed=data["observed"],
                        location=data["location"],
                        criterion_ids=_chosen(request),
                        files=[
                            *request.FILES.getlist("photos"),
                            *request.FILES.getlist("videos"),
                            *request.FILES.getlist("audio"),
                        ],
                        submission_token=data["submission_token"],
                    ),
                    learner_confirms_later=request.POST.get("learner_confirms") == "later",
                    learner=_signature(request, "learner"),
                    witness=_signature(request, "witness"),
                    visit=visit,
                )
                messages.success(
                    request,
                    _("Observation saved as evidence %(reference)s, linked and judged met.")
                    % {"reference": record.evidence.reference},
                )
        answer = _answer(request, outcome, record, form, refused)
        if answer is not None:
            return answer
    later = request.method == "POST" and request.POST.get("learner_confirms") == "later"
    return render(
        request,
        "observations/observation_form.html",
        _page_context(
            registration,
            form,
            request,
            confirm_later=later,
            witness_name=request.POST.get("witness_name", ""),
            visit=visit,
        ),
    )


@upload_view
@login_required
def discussion_new(request, registration_pk: int):
    registration = get_portfolio_for(request.user, registration_pk)
    require_permission(
        is_assessor(request.user, registration), _("Only the learner's assessor records professional discussions.")
    )
    form = RecordForm(request.POST or None, default_title=_("Professional discussion"), observed_required=False)
    if request.method == "POST":
        refused = refused_upload_messages(request)
        record, outcome = None, _NoOutcome()
        if form.is_valid() and not refused:
            data = form.cleaned_data
            with domain_errors_as_messages(request) as outcome:
                record = record_discussion(
                    actor=request.user,
                    registration=registration,
                    data=RecordInput(
                        title=data["title"],
                        date=data["date"],
                        observed=data["observed"],
                        location=data["location"],
                        criterion_ids=_chosen(request),
                        files=request.FILES.getlist("recording"),
                        submission_token=data["submission_token"],
                        markers=parse_markers(request.POST.get("markers", "")),
                    ),
                )
                messages.success(
                    request,
                    _("Professional discussion saved as evidence %(reference)s, linked and judged met.")
                    % {"reference": record.evidence.reference},
                )
        answer = _answer(request, outcome, record, form, refused)
        if answer is not None:
            return answer
    return render(request, "observations/discussion_form.html", _page_context(registration, form, request))


@login_required
def record_confirm(request, pk: int):
    record = get_object_or_404(
        AssessmentRecord.objects.filter(registration__in=portfolios_for(request.user)).select_related(
            "registration__learner", "registration__centre", "registration__qualification", "evidence", "assessor"
        ),
        pk=pk,
    )
    require_permission(is_learner(request.user, record.registration), _("Only the learner confirms their observation."))
    if request.method == "POST":
        with domain_errors_as_messages(request) as outcome:
            confirm_observation(actor=request.user, record=record, signed_hash=request.POST.get("content_hash", ""))
            messages.success(request, _("Thank you: you have confirmed the observation."))
        if outcome.ok or isinstance(outcome.error, AlreadyDone):
            return redirect("portfolio:evidence-detail", pk=record.evidence_id)
    evidence = record.evidence
    return render(
        request,
        "observations/confirm.html",
        {
            "record": record,
            "evidence": evidence,
            "registration": record.registration,
            "links": list(evidence.links.select_related("criterion__unit")),
            "files": list(evidence.files.all()),
        },
    )
