"""Registering learners from a CSV file: the template, the preview and the confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centres.access import centres_where, get_centre_for
from centres.models import Role
from core.views import domain_errors_as_messages
from portfolio.registration_forms import BulkUploadForm
from portfolio.services import registration as services

BULK_SESSION_KEY = "bulk-registration-csv"


@login_required
def registration_csv_template(request):
    if not centres_where(request.user, Role.CENTRE_ADMIN).exists():
        raise PermissionDenied("Only centre admins register learners.")
    response = HttpResponse(services.csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registrations-template.csv"'
    return response


@login_required
def registration_bulk(request, centre_id: int):
    """Upload a CSV file and see every row's problems; nothing is saved until the admin confirms."""
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form, field="file"):
            text = services.read_csv_upload(form.cleaned_data["file"])
            preview = services.parse_registration_csv(centre=centre, text=text)
            stored = request.session.get(BULK_SESSION_KEY, {})
            stored[str(centre.pk)] = text if preview.is_valid else None
            request.session[BULK_SESSION_KEY] = stored
    return render(request, "portfolio/registrations/bulk.html", _bulk_context(centre, form, preview))


def _bulk_context(centre, form, preview) -> dict:
    return {
        "centre": centre,
        "form": form,
        "preview": preview,
        "columns": services.CSV_COLUMNS,
        "advice": services.SIMILAR_QUALIFICATION_ADVICE,
        "advice_source": services.SIMILAR_QUALIFICATION_SOURCE,
    }


@login_required
@require_POST
def registration_bulk_confirm(request, centre_id: int):
    """Register every row of the previewed file, or none. The file is checked again before saving."""
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    stored = request.session.get(BULK_SESSION_KEY, {})
    text = stored.get(str(centre.pk))
    if not text:
        messages.error(request, _("Upload the file again: there is no checked file waiting to be registered."))
        return redirect("portfolio:registration-bulk", centre_id=centre.pk)
    with domain_errors_as_messages(request) as outcome:
        registrations = services.register_from_csv(
            actor=request.user,
            centre=centre,
            text=text,
            acknowledge_warnings=request.POST.get("acknowledge_warnings") == "on",
        )
    if not outcome.ok:
        preview = services.parse_registration_csv(centre=centre, text=text)
        return render(request, "portfolio/registrations/bulk.html", _bulk_context(centre, BulkUploadForm(), preview))
    stored[str(centre.pk)] = None
    request.session[BULK_SESSION_KEY] = stored
    messages.success(
        request,
        (
            _("%(len)s learner(s) registered. New learners were sent an invitation to set their password.")
            % {"len": len(registrations)}
        ),
    )
    return redirect(reverse("portfolio:registration-list") + f"?centre={centre.pk}")
