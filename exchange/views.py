from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from centres.access import get_centre_for
from centres.models import Role
from core.views import domain_errors_as_messages
from ledger.services import head_of
from portfolio.access import get_portfolio_for, get_registration_for
from tracking.jobs import enqueue

from .access import may_export
from .forms import ImportForm
from .import_jobs import queue_import
from .models import ImportedEvidenceFile, PortfolioImport
from .serving import FileChanged, open_imported


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


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_import(request, centre_pk: int):
    """A centre admin uploads a portfolio exported by another centre; a background job checks and imports it, and
    its page follows the progress to the new registration (or names each problem)."""
    centre = get_centre_for(request.user, centre_pk, Role.CENTRE_ADMIN)
    form = ImportForm(request.POST or None, request.FILES or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form, field="archive"):
            import_job = queue_import(
                actor=request.user, centre=centre, upload=form.cleaned_data["archive"], learner=form.learner()
            )
            return redirect("tracking:job-status", pk=import_job.pk)
    return render(request, "exchange/import.html", {"centre": centre, "form": form})


@login_required
@require_GET
def imported(request, pk: int):
    """What was imported into a registration: the units carried over with their original signatures, the
    evidence files and the imported chain's head. Whoever may open the portfolio reads it."""
    registration = get_portfolio_for(request.user, pk)
    record = PortfolioImport.objects.filter(registration=registration).first()
    if record is None:
        raise Http404("This registration was not imported from another centre.")
    context = {
        "registration": registration,
        "record": record,
        "units": record.units.select_related("unit"),
        "files": record.files.all(),
        "chain_head": head_of(registration.pk),
    }
    return render(request, "exchange/imported.html", context)


@login_required
@require_GET
def imported_file(request, pk: int):
    """One imported evidence file, its bytes checked against its SHA-256 before they are served."""
    file = get_object_or_404(ImportedEvidenceFile, pk=pk)
    get_portfolio_for(request.user, file.registration_id)  # 404 unless the user may open that portfolio
    try:
        handle = open_imported(file)
    except FileChanged as error:
        messages.error(request, str(error))
        return redirect("exchange:imported", pk=file.registration_id)
    response = FileResponse(handle, as_attachment=True, filename=file.original_name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response
