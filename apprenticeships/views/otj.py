"""The off-the-job training log, its verification and the CSV for the funding return."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from centres.access import get_centre_for
from centres.models import Event, Role
from core.spreadsheets import SafeCsvWriter
from core.views import domain_errors_as_messages

from ..forms import (
    OtjEntryForm,
)
from ..models import (
    Apprenticeship,
    OtjEntry,
)
from ..selectors import (
    margin_for,
    otj_summary,
    with_otj_hours,
)
from ..services import can_record_otj, is_provider
from ..services.otj_log import criteria_choices, record_otj_entry, verify_otj_entry
from ._common import (
    _apprenticeship_for,
    _forbid_unless,
    _in_scope,
)

REFUSALS_SHOWN = 5


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
