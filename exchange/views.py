from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.views import domain_errors_as_messages
from ledger.services import head_of
from portfolio.access import get_registration_for
from tracking.jobs import enqueue

from .access import may_export


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_export(request, pk: int):
    """What the portable portfolio holds, and the button that builds it in the background."""
    registration = get_registration_for(request.user, pk)
    if not may_export(request.user, registration):
        raise PermissionDenied("Only the learner and the centre's admins may export this portfolio.")
    if request.method == "POST":
        with domain_errors_as_messages(request):
            export_job = enqueue(
                "portable_portfolio",
                user=request.user,
                centre=registration.centre,
                params={"registration_id": registration.pk},
            )
            return redirect("tracking:job-status", pk=export_job.pk)
    return render(
        request,
        "exchange/export.html",
        {"registration": registration, "chain_head": head_of(registration.pk)},
    )
