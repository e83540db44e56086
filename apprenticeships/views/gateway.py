"""KSB coverage and the end-point assessment gateway checklist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from centres.auth.client import client_ip
from core.views import domain_errors_as_messages
from portfolio.services.checks import is_learner
from tracking.jobs import enqueue
from tracking.models import ExportJob

from ..gateway_pack import may_download_pack, not_ready
from ..selectors import (
    ksb_coverage,
)
from ..services import is_provider
from ..services.gateway import declare_by_learner, gateway_items, record_english_maths
from ._common import (
    _apprenticeship_for,
    _forbid_unless,
)

PACKS_SHOWN = 6


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
    may_pack = may_download_pack(request.user, registration)
    packs = []
    if may_pack:  # the packs built and still kept (the upkeep task removes results after JOBS_KEEP_RESULTS_DAYS)
        packs = list(
            ExportJob.objects.filter(
                kind="gateway_pack",
                centre_id=registration.centre_id,
                status=ExportJob.Status.DONE,
                params__registration_id=registration.pk,
            )
            .exclude(result="")
            .select_related("created_by")
            .order_by("-finished_at", "-pk")[:PACKS_SHOWN]
        )
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
            "may_pack": may_pack,
            "packs": packs,
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
            declare_by_learner(actor=request.user, apprenticeship=apprenticeship, ip_address=client_ip(request))
        if outcome.ok:
            messages.success(request, _("Declaration recorded."))
    return redirect("apprenticeships:gateway", pk=apprenticeship.registration_id)


@login_required
@require_POST
def gateway_pack(request, pk: int):
    """Build the gateway pack (PDF or ZIP) in the background, once every item of the checklist is met."""
    apprenticeship = _apprenticeship_for(request.user, pk)
    registration = apprenticeship.registration
    _forbid_unless(
        may_download_pack(request.user, registration),
        _("Only the apprentice's assessor or a centre admin build the gateway pack."),
    )
    refusal = not_ready(apprenticeship)
    if refusal:
        messages.error(request, refusal)
        return redirect("apprenticeships:gateway", pk=registration.pk)
    kind = "zip" if request.POST.get("format") == "zip" else "pdf"
    with domain_errors_as_messages(request) as outcome:
        export_job = enqueue(
            "gateway_pack",
            user=request.user,
            centre=registration.centre,
            params={"registration_id": registration.pk, "format": kind},
        )
    if not outcome.ok:
        return redirect("apprenticeships:gateway", pk=registration.pk)
    return redirect("tracking:job-status", pk=export_job.pk)
