"""The centre admin's changes to a registration: assessor, IQA, tutor, withdrawn or completed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from centres.access import has_role
from centres.models import Role
from core.views import domain_errors_as_messages
from portfolio.access import get_registration_for
from portfolio.models import Registration
from portfolio.registration_forms import ChangeIqaForm, ChangeTutorForm, CompleteForm, MoveAssessorForm, WithdrawForm
from portfolio.services import registration as services


def _require_admin_for(user, registration: Registration) -> None:
    if not has_role(user, Role.CENTRE_ADMIN, registration.centre):
        raise PermissionDenied("Only the centre admin may change a registration.")


def _admin_action(request, pk, form_class, template: str, call, success: str):
    registration = get_registration_for(request.user, pk)
    _require_admin_for(request.user, registration)
    kwargs = {"centre": registration.centre} if form_class not in (WithdrawForm, CompleteForm) else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form):
            call(registration, form.cleaned_data)
            messages.success(request, success)
            return redirect("portfolio:registration-detail", pk=registration.pk)
    return render(request, template, {"registration": registration, "form": form})


@login_required
def registration_move(request, pk: int):
    return _admin_action(
        request,
        pk,
        MoveAssessorForm,
        "portfolio/registrations/move.html",
        lambda registration, data: services.move_to_assessor(
            actor=request.user, registration=registration, assessor=data["assessor"], reason=data["reason"]
        ),
        "The learner has a new assessor.",
    )


@login_required
def registration_change_iqa(request, pk: int):
    return _admin_action(
        request,
        pk,
        ChangeIqaForm,
        "portfolio/registrations/change_iqa.html",
        lambda registration, data: services.change_iqa(
            actor=request.user, registration=registration, iqa=data["iqa"], reason=data["reason"]
        ),
        "The learner has a new IQA.",
    )


@login_required
def registration_change_tutor(request, pk: int):
    return _admin_action(
        request,
        pk,
        ChangeTutorForm,
        "portfolio/registrations/change_tutor.html",
        lambda registration, data: services.change_tutor(
            actor=request.user, registration=registration, tutor=data["tutor"], reason=data["reason"]
        ),
        "The learner's tutor is recorded.",
    )


@login_required
def registration_withdraw(request, pk: int):
    return _admin_action(
        request,
        pk,
        WithdrawForm,
        "portfolio/registrations/withdraw.html",
        lambda registration, data: services.withdraw_registration(
            actor=request.user, registration=registration, reason=data["reason"]
        ),
        "The registration is withdrawn. Its record and history are kept.",
    )


@login_required
def registration_complete(request, pk: int):
    return _admin_action(
        request,
        pk,
        CompleteForm,
        "portfolio/registrations/complete.html",
        lambda registration, data: services.complete_registration(
            actor=request.user, registration=registration, note=data["note"]
        ),
        "The registration is completed.",
    )
