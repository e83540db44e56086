"""Reasonable adjustments and special considerations: recording a request, the centre admin's decision, and the
centre's register (with filters and a CSV export) that an EQA asks to see."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from centres.access import get_centre_for
from centres.models import Role
from core.spreadsheets import safe_cell
from core.views import domain_errors_as_messages
from qualifications.models import Qualification

from ..access import get_registration_for, portfolios_for
from ..adjustment_forms import AdjustmentDecisionForm, AdjustmentFilterForm, AdjustmentRequestForm
from ..models import Adjustment
from ..services.adjustments import (
    add_adjustment_files,
    decide_adjustment,
    may_decide_adjustment,
    may_request_adjustment,
    request_adjustment,
)
from ._helpers import upload_context, upload_view, uploaded_files, uploads_refused


def _get_adjustment_for(user, pk: int) -> Adjustment:
    """An adjustment of a portfolio the user may open (the learner, centre staff in scope); else 404."""
    return get_object_or_404(
        Adjustment.objects.filter(registration__in=portfolios_for(user).values("pk")).select_related(
            "registration__centre",
            "registration__learner",
            "registration__qualification",
            "requested_by",
            "decided_by",
        ),
        pk=pk,
    )


@upload_view
@login_required
def adjustment_create(request, pk: int):
    registration = get_registration_for(request.user, pk)
    if not may_request_adjustment(request.user, registration):
        raise PermissionDenied("Only the centre admin or the learner's assessor may record a request.")
    form = AdjustmentRequestForm(request.POST or None, registration=registration)
    refused = request.method == "POST" and uploads_refused(request)
    if request.method == "POST" and form.is_valid() and not refused:
        data = form.cleaned_data
        with domain_errors_as_messages(request):
            adjustment = request_adjustment(
                actor=request.user,
                registration=registration,
                kind=data["kind"],
                what=data["what"],
                why=data["why"],
                units=list(data["units"]),
                assessments=data["assessments"],
                files=uploaded_files(request),
            )
            messages.success(request, gettext("The request is recorded; a centre admin decides on it."))
            return redirect("portfolio:adjustment-detail", pk=adjustment.pk)
    return render(
        request,
        "portfolio/adjustments/request.html",
        {"registration": registration, "form": form, **upload_context()},
    )


@login_required
@require_GET
def adjustment_detail(request, pk: int):
    adjustment = _get_adjustment_for(request.user, pk)
    may_decide = adjustment.status == Adjustment.Status.REQUESTED and may_decide_adjustment(
        request.user, adjustment.registration
    )
    return render(
        request,
        "portfolio/adjustments/detail.html",
        {
            "adjustment": adjustment,
            "registration": adjustment.registration,
            "units": list(adjustment.units.order_by("reference")),
            "files": list(adjustment.files.select_related("uploaded_by")),
            "form": AdjustmentDecisionForm() if may_decide else None,
            "may_add_files": may_request_adjustment(request.user, adjustment.registration),
            **upload_context(),
        },
    )


@upload_view
@login_required
@require_POST
def adjustment_files(request, pk: int):
    adjustment = _get_adjustment_for(request.user, pk)
    if not may_request_adjustment(request.user, adjustment.registration):
        raise PermissionDenied("Only the centre admin or the learner's assessor may add supporting files.")
    if not uploads_refused(request):
        with domain_errors_as_messages(request):
            added = add_adjustment_files(actor=request.user, adjustment=adjustment, files=uploaded_files(request))
            messages.success(
                request,
                ngettext("Added %(count)d file.", "Added %(count)d files.", added) % {"count": added},
            )
    return redirect("portfolio:adjustment-detail", pk=adjustment.pk)


@login_required
@require_POST
def adjustment_decide(request, pk: int):
    adjustment = _get_adjustment_for(request.user, pk)
    if not may_decide_adjustment(request.user, adjustment.registration):
        raise PermissionDenied("Only a centre admin may decide on an adjustment.")
    form = AdjustmentDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with domain_errors_as_messages(request):
            decide_adjustment(
                actor=request.user,
                adjustment=adjustment,
                approve=data["decision"] == "approve",
                reason=data["reason"],
                adjusted=data["adjusted"],
            )
            messages.success(request, gettext("The decision is recorded."))
    else:
        messages.error(request, gettext("Choose approve or refuse."))
    return redirect("portfolio:adjustment-detail", pk=adjustment.pk)


def _register(request, centre_pk: int):
    centre = get_centre_for(request.user, centre_pk, Role.CENTRE_ADMIN, Role.IQA)
    adjustments = Adjustment.objects.filter(registration__centre=centre)
    form = AdjustmentFilterForm(
        request.GET or None,
        qualifications=Qualification.objects.filter(pk__in=adjustments.values("registration__qualification")),
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            adjustments = adjustments.filter(kind=data["kind"])
        if data["status"]:
            adjustments = adjustments.filter(status=data["status"])
        if data["qualification"]:
            adjustments = adjustments.filter(registration__qualification=data["qualification"])
    adjustments = adjustments.select_related(
        "registration__learner", "registration__qualification", "requested_by", "decided_by"
    ).prefetch_related("units")
    return centre, form, adjustments


@login_required
@require_GET
def adjustment_register(request, centre_pk: int):
    centre, form, adjustments = _register(request, centre_pk)
    return render(
        request,
        "portfolio/adjustments/register.html",
        {"centre": centre, "form": form, "adjustments": list(adjustments), "query": request.GET.urlencode()},
    )


CSV_HEADER = [
    "learner",
    "qualification",
    "kind",
    "what",
    "why",
    "units",
    "assessments",
    "requested_by",
    "requested_on",
    "decision",
    "decided_by",
    "decided_on",
    "reason",
    "what_was_adjusted",
]


@login_required
@require_GET
def adjustment_register_csv(request, centre_pk: int):
    centre, _, adjustments = _register(request, centre_pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="adjustments-{centre.pk}-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for adjustment in adjustments:
        registration = adjustment.registration
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    registration.learner.full_name,
                    registration.qualification.number,
                    adjustment.get_kind_display(),
                    adjustment.what,
                    adjustment.why,
                    "; ".join(unit.reference for unit in adjustment.units.all()) or "All units",
                    adjustment.assessments,
                    adjustment.requested_by.full_name or adjustment.requested_by.email,
                    timezone.localtime(adjustment.requested_at).date().isoformat(),
                    adjustment.get_status_display(),
                    (adjustment.decided_by.full_name or adjustment.decided_by.email) if adjustment.decided_by else "",
                    timezone.localtime(adjustment.decided_at).date().isoformat() if adjustment.decided_at else "",
                    adjustment.decision_reason,
                    adjustment.adjusted,
                )
            ]
        )
    return response
