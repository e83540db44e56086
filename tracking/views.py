"""Tracking sheets (page and PDF), signing and reopening, and background jobs' status and downloads.

Every view fetches the registration and unit through tracking.access.get_sheet_for (another centre's
learner, a unit not on the plan, or a unit not shared with an EQA: 404) and jobs through
tracking.jobs.user_may_access (404 otherwise)."""

import io
import mimetypes

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.views import domain_errors_as_messages
from portfolio.access import get_registration_for
from portfolio.selectors import approved_adjustments

from .access import get_carry_for, get_sheet_for, sees_only_through_share, visible_unit_ids
from .forms import CarryForm, ReopenForm, SignForm, WithdrawCarryForm
from .job_upkeep import worker_absent_minutes
from .jobs import enqueue, kind_of, user_may_access
from .models import CarriedOverUnit, ExportJob, SignatureRole
from .pdf import unit_sheet_pdf
from .selectors import signoff_state
from .services.carry import (
    carry_candidates,
    carry_over_unit,
    may_carry,
    withdraw_carried_unit,
)
from .services.signoff import (
    ROLE_LABELS,
    check_reopener,
    check_signer,
    may_reopen,
    reopen_unit,
    roles_user_may_sign,
    sign_unit,
)
from .sheets import build_sheet, build_sheets, evidence_url


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def registration_sheets(request, registration_pk: int):
    """Every unit of the plan the user may read, with its progress and sign-off, and the whole-registration PDF."""
    registration = get_registration_for(request.user, registration_pk)
    unit_ids = set(visible_unit_ids(request.user, registration))
    sheets = [sheet for sheet in build_sheets(registration) if sheet.unit.pk in unit_ids]
    jobs = ExportJob.objects.filter(
        kind="registration_pdf", created_by=request.user, params__registration_id=registration.pk
    ).order_by("-created_at")[:3]
    carrying = may_carry(request.user, registration)
    context = {
        "registration": registration,
        "sheets": sheets,
        "jobs": jobs,
        "may_carry": carrying,
        "candidates": carry_candidates(registration) if carrying else [],
        "withdraw_form": WithdrawCarryForm(),
    }
    return render(request, "tracking/registration.html", context)


@login_required
@require_POST
def carry_over(request, registration_pk: int):
    """Carry a unit signed off in another of the learner's registrations into this one (assessor or centre admin)."""
    registration = get_registration_for(request.user, registration_pk)
    if not may_carry(request.user, registration):
        raise PermissionDenied("Only the learner's assessor or the centre admin carries units over.")
    form = CarryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a unit to carry over."))
    else:
        unit = form.cleaned_data["unit"]
        with domain_errors_as_messages(request):
            carry_over_unit(actor=request.user, registration=registration, unit=unit)
            messages.success(
                request,
                (
                    _("Unit %(reference)s is carried over; its original sheet stands for it here.")
                    % {"reference": unit.reference}
                ),
            )
    return redirect("tracking:registration", registration_pk=registration.pk)


@login_required
@require_POST
def carry_withdraw(request, pk: int):
    carry: CarriedOverUnit = get_carry_for(request.user, pk)
    if not may_carry(request.user, carry.registration):
        raise PermissionDenied("Only the learner's assessor or the centre admin withdraws a carried-over unit.")
    form = WithdrawCarryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for withdrawing the carried-over unit."))
    else:
        with domain_errors_as_messages(request):
            withdraw_carried_unit(actor=request.user, carry=carry, reason=form.cleaned_data["reason"])
            messages.success(
                request, (_("The carry-over of unit %(reference)s is withdrawn.") % {"reference": carry.unit.reference})
            )
    return redirect("tracking:sheet", registration_pk=carry.registration_id, unit_pk=carry.unit_id)


@login_required
@require_GET
def sheet(request, registration_pk: int, unit_pk: int):
    """The live evidence tracking sheet of one unit, with the sign-off the user may give now."""
    registration, unit = get_sheet_for(request.user, registration_pk, unit_pk)
    tracking_sheet = build_sheet(registration, unit)
    state = tracking_sheet.state
    signing = roles_user_may_sign(state, request.user)
    carry = tracking_sheet.status.carried.record if tracking_sheet.status.carried else None
    evidence = [{**entry, "url": evidence_url(entry["evidence"])} for entry in tracking_sheet.evidence]
    context = {
        "registration": registration,
        "sheet": tracking_sheet,
        "evidence": evidence,
        "signing": [
            {
                "role": role,
                "label": gettext(ROLE_LABELS[role]),
                "reason": reason,
                "is_learner": role == SignatureRole.LEARNER,
            }
            for role, reason in signing.items()
        ],
        "sign_form": SignForm(initial={"content_hash": state.content_hash}),
        "may_reopen": may_reopen(state, request.user),
        "reopen_form": ReopenForm(),
        "carry": carry,
        # Only tracking's own carries are withdrawn here (a unit imported from another centre is not one).
        "may_withdraw_carry": isinstance(carry, CarriedOverUnit) and may_carry(request.user, registration),
        "withdraw_form": WithdrawCarryForm(),
        "adjustments": approved_adjustments(registration, [unit.pk]),
        # An EQA reads the sheet through a share, not the portfolio: the adjustment pages are not theirs to open.
        "adjustments_linked": not sees_only_through_share(request.user, registration),
    }
    return _private(render(request, "tracking/sheet.html", context))


@login_required
@require_GET
def sheet_pdf(request, registration_pk: int, unit_pk: int):
    registration, unit = get_sheet_for(request.user, registration_pk, unit_pk)
    pdf = unit_sheet_pdf(build_sheet(registration, unit))
    learner = slugify(registration.learner.full_name) or f"learner-{registration.pk}"
    filename = f"tracking-sheet-{learner}-{slugify(unit.reference)}.pdf"
    return _private(
        FileResponse(io.BytesIO(pdf), as_attachment=True, filename=filename, content_type="application/pdf")
    )


@login_required
@require_POST
@reauthentication_required  # a signature asks for recent authentication (allauth): the POST goes ahead after it
def sign(request, registration_pk: int, unit_pk: int):
    registration, unit = get_sheet_for(request.user, registration_pk, unit_pk)
    with domain_errors_as_messages(request):  # a reader who holds no role on the sheet: 403
        check_signer(signoff_state(registration, unit), request.user)
    form = SignForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("tracking:sheet", registration_pk=registration.pk, unit_pk=unit.pk)
    role = form.cleaned_data["role"]
    with domain_errors_as_messages(request):
        sign_unit(
            registration=registration,
            unit=unit,
            user=request.user,
            role=role,
            expected_hash=form.cleaned_data["content_hash"],
        )
        messages.success(
            request,
            gettext("You signed the tracking sheet of %(unit)s as %(role)s.")
            % {"unit": unit.reference, "role": gettext(ROLE_LABELS[role])},
        )
    return redirect("tracking:sheet", registration_pk=registration.pk, unit_pk=unit.pk)


@login_required
@require_POST
def reopen(request, registration_pk: int, unit_pk: int):
    registration, unit = get_sheet_for(request.user, registration_pk, unit_pk)
    with domain_errors_as_messages(request):  # only the learner's assessor reopens: anyone else 403
        check_reopener(registration, request.user)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for reopening the unit."))
        return redirect("tracking:sheet", registration_pk=registration.pk, unit_pk=unit.pk)
    with domain_errors_as_messages(request):
        voided = reopen_unit(
            registration=registration, unit=unit, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            (
                ngettext(
                    "Unit %(reference)s is reopened: %(count)s signature voided. Its evidence can change again; "
                    "the learner and you sign again when it is complete.",
                    "Unit %(reference)s is reopened: %(count)s signatures voided. Its evidence can change again; "
                    "the learner and you sign again when it is complete.",
                    len(voided),
                )
                % {"reference": unit.reference, "count": len(voided)}
            ),
        )
    return redirect("tracking:sheet", registration_pk=registration.pk, unit_pk=unit.pk)


@login_required
@require_POST
def registration_pdf(request, registration_pk: int):
    """Queue the whole-registration PDF (the units the user may read) and show its progress."""
    registration = get_registration_for(request.user, registration_pk)
    unit_ids = visible_unit_ids(request.user, registration)
    if not unit_ids:
        raise Http404("No units of this registration are shared with you.")
    with domain_errors_as_messages(request):
        export_job = enqueue(
            "registration_pdf",
            user=request.user,
            centre=registration.centre,
            params={"registration_id": registration.pk, "unit_ids": sorted(unit_ids)},
        )
        return redirect("tracking:job-status", pk=export_job.pk)
    return redirect("tracking:registration", registration_pk=registration.pk)


def _job_for(user, pk: int) -> ExportJob:
    export_job = get_object_or_404(ExportJob.objects.select_related("centre"), pk=pk)
    if not user_may_access(export_job, user):
        raise Http404("No such export.")
    return export_job


@login_required
@require_GET
def job_status(request, pk: int):
    """Progress of a background job; the page refreshes itself every 2 seconds until the job is finished, and says
    plainly when no background worker has been seen for a while."""
    export_job = _job_for(request.user, pk)
    kind = kind_of(export_job)
    back = None
    registration_id = export_job.params.get("registration_id")
    if registration_id:
        back = ("tracking:registration", registration_id)
    context = {"job": export_job, "label": kind.label if kind else export_job.kind, "back": back}
    if kind is not None and kind.result_link is not None and export_job.status == ExportJob.Status.DONE:
        context["result_link"] = kind.result_link(export_job)
    if export_job.status == ExportJob.Status.QUEUED:
        context["worker_absent_minutes"] = worker_absent_minutes(since=export_job.created_at)
    return _private(render(request, "tracking/job_status.html", context))


@login_required
@require_GET
def job_download(request, pk: int):
    export_job = _job_for(request.user, pk)
    if export_job.status != ExportJob.Status.DONE or not export_job.result:
        raise Http404("This export is not ready.")
    content_type = mimetypes.guess_type(export_job.result_name)[0] or "application/octet-stream"
    return _private(
        FileResponse(
            export_job.result.open("rb"),
            as_attachment=True,
            filename=export_job.result_name or "export",
            content_type=content_type,
        )
    )
