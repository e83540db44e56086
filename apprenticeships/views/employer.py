"""The employer contact's pages: their apprentices, reviews waiting for them, the gateway confirmation, and their
apprentices' evidence files when the centre allows it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from centres.auth.client import client_ip
from centres.models import record_event
from core.views import domain_errors_as_messages
from portfolio.models import Evidence, EvidenceFile, Registration
from portfolio.views.files import send_verified_file

from ..models import (
    CentreApprenticeshipSettings,
    GatewayChecklist,
    ProgressReview,
    Signature,
    SignatureRole,
)
from ..selectors import (
    employer_apprenticeships,
    margin_for,
    otj_summary,
    review_state,
    with_otj_hours,
)
from ..services.gateway import confirm_by_employer
from ._common import (
    _forbid_unless,
    _require_employer_contact,
)

EVIDENCE_SHOWN = 50


def _employers_see_evidence(centre_id: int) -> bool:
    settings = CentreApprenticeshipSettings.objects.filter(centre_id=centre_id).first()
    return settings is not None and settings.employers_see_evidence


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
    evidence = []
    if _employers_see_evidence(registration.centre_id):
        evidence = list(
            registration.evidence.exclude(status=Evidence.Status.DRAFT)
            .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.order_by("uploaded_at", "pk")))
            .order_by("reference")[:EVIDENCE_SHOWN]
        )
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
            confirm_by_employer(actor=request.user, apprenticeship=apprenticeship, ip_address=client_ip(request))
        if outcome.ok:
            messages.success(request, _("Thank you: your confirmation has been recorded."))
    return redirect("apprenticeships:employer-apprentice", pk=apprenticeship.pk)


@login_required
@require_GET
def employer_evidence_file(request, pk: int):
    """A file of one of the contact's apprentices' evidence (not a draft), when the centre lets employers see
    evidence: read through the verified-bytes path and recorded in the audit history. Someone who is not an active
    employer contact: 403; another employer's apprentice: 404; the centre's setting off: 403."""
    _require_employer_contact(request.user)
    record = get_object_or_404(
        EvidenceFile.objects.filter(
            evidence__registration__apprenticeship__in=employer_apprenticeships(request.user).values("pk")
        )
        .exclude(evidence__status=Evidence.Status.DRAFT)
        .select_related("evidence__registration__centre", "evidence__registration__learner"),
        pk=pk,
    )
    registration = record.evidence.registration
    _forbid_unless(
        _employers_see_evidence(registration.centre_id),
        _("The centre does not share evidence files with employers."),
    )
    response = send_verified_file(request, record, found_by="an employer contact's download")
    if response.status_code == 200:
        record_event(
            action="apprenticeship.employer_opened_evidence_file",
            obj=record,
            actor=request.user,
            centre=registration.centre,
            registration_id=registration.pk,
            summary=f"{request.user.full_name} (employer contact) opened “{record.original_name}” of evidence "
            f"{record.evidence.reference} of {registration.learner.full_name}",
            evidence=record.evidence_id,
            sha256=record.sha256,
        )
    return response
