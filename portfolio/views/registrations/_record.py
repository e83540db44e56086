"""The one shape of a form that changes a registration's record: checked, handed to a service, back to the record."""

from django.contrib import messages
from django.shortcuts import redirect, render

from core.views import domain_errors_as_messages
from portfolio.services import AlreadyDone


def change_record(request, registration, form, *, template: str, call, success: str, context: dict | None = None):
    """On a valid POST, `call(form.cleaned_data)`, say `success` and go back to the registration's record (a change
    already made is said, not refused); otherwise, or when the service refuses, show the form with its errors."""
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form):
            try:
                call(form.cleaned_data)
            except AlreadyDone as exc:  # nothing changed: said, not refused
                messages.info(request, exc.message)
            else:
                messages.success(request, success)
            return redirect("portfolio:registration-detail", pk=registration.pk)
    return render(request, template, {"registration": registration, "form": form, **(context or {})})
