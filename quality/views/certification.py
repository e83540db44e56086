"""Certification: who is ready to claim and why not, the awarding body's CSV, and recording claims."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.views import domain_errors_as_messages
from portfolio.models import Registration

from ..access import get_centre_as_admin, get_claim_for_admin, get_registration_for_admin
from ..forms import CertificateDateForm, ClaimForm
from ..services.certification import (
    certification_status,
    record_certificate_date,
    record_claim,
)
from ..services.readiness import (
    claimed,
    export_claims_csv,
    left_early,
    may_be_ready,
    unclaimed,
)

PAGE_SIZE = 50


def _paged(request, registrations, parameter: str):
    """One page of the registrations (ordered by learner) with each one's certification status: a centre's learners
    not ready yet or claimed over the years are many, and the full check is only worked out for the page shown."""
    page = Paginator(registrations.order_by("learner__full_name", "pk").values_list("pk", flat=True), PAGE_SIZE)
    page = page.get_page(request.GET.get(parameter))
    shown = Registration.objects.filter(pk__in=list(page.object_list)).only("pk")
    page.statuses = list(certification_status(shown).values()) if page.object_list else []
    page.parameter = parameter
    return page


@login_required
@require_GET
def certification_list(request, centre_pk: int):
    centre = get_centre_as_admin(request.user, centre_pk)
    registrations = Registration.objects.filter(centre=centre)
    ready = [status for status in certification_status(may_be_ready(registrations).only("pk")).values() if status.ready]
    not_yet = unclaimed(registrations).exclude(pk__in=[status.registration.pk for status in ready])
    return render(
        request,
        "quality/certification.html",
        {
            "centre": centre,
            "ready": ready,
            "not_ready": _paged(request, not_yet, "not_ready_page"),
            "left_early": _paged(request, left_early(registrations), "left_early_page"),
            "claimed": _paged(request, claimed(registrations), "claimed_page"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def certification_csv(request, centre_pk: int):
    centre = get_centre_as_admin(request.user, centre_pk)
    registrations = Registration.objects.filter(centre=centre)
    # Ready learners (full claims) and those who left early (unit claims): the CSV's only rows.
    rows = registrations.filter(Q(pk__in=may_be_ready(registrations)) | Q(pk__in=left_early(registrations)))
    content = export_claims_csv(list(certification_status(rows.only("pk")).values()))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    filename = f"claims-{slugify(centre.name) or centre.pk}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def claim_create(request, pk: int):
    registration = get_registration_for_admin(request.user, pk)
    status = certification_status([registration])[registration.pk]
    form = ClaimForm(request.POST, unit_choices=[(unit.pk, unit.reference) for unit in status.signed_off])
    if not form.is_valid():
        messages.error(request, _("Check the claim: choose signed-off units and a valid date."))
        return redirect("quality:certification", centre_pk=registration.centre_id)
    data = form.cleaned_data
    with domain_errors_as_messages(request):
        claim = record_claim(
            actor=request.user,
            registration=registration,
            kind=data["kind"],
            unit_ids=data["units"],
            reference=data["reference"],
            certificate_date=data["certificate_date"],
        )
        messages.success(
            request,
            (
                _("%(get_kind_display)s claim recorded for %(learner)s.")
                % {"get_kind_display": claim.get_kind_display(), "learner": registration.learner}
            ),
        )
    return redirect("quality:certification", centre_pk=registration.centre_id)


@login_required
@require_POST
def claim_certificate(request, pk: int):
    claim = get_claim_for_admin(request.user, pk)
    form = CertificateDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date printed on the certificate."))
    else:
        with domain_errors_as_messages(request):
            record_certificate_date(
                actor=request.user, claim=claim, certificate_date=form.cleaned_data["certificate_date"]
            )
            messages.success(
                request, (_("Certificate date recorded for %(learner)s.") % {"learner": claim.registration.learner})
            )
    return redirect("quality:certification", centre_pk=claim.registration.centre_id)
