"""Registering one learner: choosing the centre and qualification, the form, and its rules-of-combination check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from centres.access import centres_where, get_centre_for
from centres.models import Role
from centres.params import parse_id, parse_ids
from core.views import domain_errors_as_messages
from portfolio.registration_forms import RegistrationForm, UnitChoiceForm
from portfolio.services import registration as services
from qualifications.models import Qualification, QualificationUnit, Unit
from qualifications.services.combination import check_combination


@login_required
def registration_start(request):
    """ "Register a learner": straight to the form when the admin has one centre, else choose the centre."""
    centres = list(centres_where(request.user, Role.CENTRE_ADMIN))
    if not centres:
        raise PermissionDenied("Only centre admins register learners.")
    if len(centres) == 1:
        return redirect("portfolio:registration-create", centre_id=centres[0].pk)
    return render(request, "portfolio/registrations/choose_centre.html", {"centres": centres})


def _qualifications():
    return Qualification.objects.select_related("awarding_body").order_by("awarding_body__name", "level", "title")


@login_required
def registration_create(request, centre_id: int):
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    qualification_value = request.POST.get("qualification") or request.GET.get("qualification")
    qualification_id = parse_id(qualification_value)
    qualification = _qualifications().filter(pk=qualification_id).first() if qualification_id is not None else None
    if qualification is None:
        if qualification_value:
            messages.error(
                request,
                (
                    _("“%(qualification_value)s” is not a qualification here: choose one from the list.")
                    % {"qualification_value": qualification_value}
                ),
            )
        return render(
            request,
            "portfolio/registrations/choose_qualification.html",
            {"centre": centre, "qualifications": _qualifications()},
        )
    if request.method == "POST" and "check" in request.POST:
        return _check_units(request, centre, qualification)
    form = RegistrationForm(request.POST or None, centre=centre, qualification=qualification)
    combination = None
    warnings = []
    if request.method == "POST":
        combination = _combination(qualification, form.selected_unit_ids(), parse_id(request.POST.get("pathway")))
        if form.is_valid():
            with domain_errors_as_messages(request, form=form):
                try:
                    registration = services.register_learner(actor=request.user, centre=centre, data=form.to_input())
                except services.WarningsToAcknowledge as exc:  # not refused: shown, to be acknowledged
                    warnings = exc.warnings
                else:
                    invited = registration.learner.invitations.pending().exists()
                    messages.success(
                        request,
                        (
                            _(
                                "%(learner)s is registered on %(number)s. An invitation to set a password was sent "
                                "to %(email)s."
                            )
                            if invited
                            else _("%(learner)s is registered on %(number)s.")
                        )
                        % {
                            "learner": registration.learner,
                            "number": qualification.number,
                            "email": registration.learner.email,
                        },
                    )
                    return redirect("portfolio:registration-detail", pk=registration.pk)
    return render(
        request,
        "portfolio/registrations/registration_form.html",
        _form_context(centre, qualification, form, form, combination, warnings),
    )


def _check_units(request, centre, qualification):
    """The "check against the rules" button (the page's way without JavaScript): only the pathway and units are
    validated and checked; the rest of the form comes back as typed, neither saved nor validated yet."""
    units_form = UnitChoiceForm(request.POST, qualification=qualification)
    combination = None
    if units_form.is_valid():
        combination = check_combination(
            qualification=qualification,
            units=list(units_form.cleaned_data["optional_units"]),
            pathway=units_form.cleaned_data["pathway"],
        )
    form = RegistrationForm(initial=request.POST.dict(), centre=centre, qualification=qualification)
    return render(
        request,
        "portfolio/registrations/registration_form.html",
        _form_context(centre, qualification, form, units_form, combination, []),
    )


def _form_context(centre, qualification, form, units_form, combination, warnings) -> dict:
    """`units_form` renders the pathway and units and `form` the rest; the error summary lists the errors of the
    form that was validated (the whole form, or only the units when they were checked)."""
    return {
        "centre": centre,
        "qualification": qualification,
        "form": form,
        "units_form": units_form,
        "error_form": form if form.is_bound else units_form,
        "combination": combination,
        "warnings": warnings,
        "advice": services.SIMILAR_QUALIFICATION_ADVICE,
        "advice_source": services.SIMILAR_QUALIFICATION_SOURCE,
    }


def _combination(qualification, unit_ids: list[int], pathway_id: int | None):
    """Check the ticked units (only the qualification's own count) and pathway against the rules."""
    units = Unit.objects.filter(
        pk__in=QualificationUnit.objects.filter(qualification=qualification, unit_id__in=unit_ids).values("unit_id")
    )
    pathway = qualification.pathways.filter(pk=pathway_id).first() if pathway_id is not None else None
    return check_combination(qualification=qualification, units=units, pathway=pathway)


@login_required
def combination_check(request):
    """The rules-of-combination verdict for a choice of units, as an HTML fragment for the registration form."""
    if not centres_where(request.user, Role.CENTRE_ADMIN).exists():
        raise PermissionDenied("Only centre admins register learners.")
    qualification_id = parse_id(request.GET.get("qualification"))
    qualification = Qualification.objects.filter(pk=qualification_id).first() if qualification_id is not None else None
    if qualification is None:
        raise Http404("No such qualification.")
    unit_ids, refused = parse_ids(request.GET.getlist("optional_units"))
    pathway_value = request.GET.get("pathway", "")
    pathway_id = parse_id(pathway_value)
    if pathway_value and pathway_id is None:
        refused.append(pathway_value)
    if refused:
        return HttpResponseBadRequest(
            f"“{refused[0]}” is not a unit or pathway of this qualification: tick the choices on the form.",
            content_type="text/plain; charset=utf-8",
        )
    result = _combination(qualification, unit_ids, pathway_id)
    return render(
        request,
        "portfolio/registrations/_combination_result.html",
        {"combination": result, "qualification": qualification},
    )
