"""The centre admin's page of a staff member's occupational competence per qualification, and its verification.
It sits beside the staff pages of centres, but here: it joins the centre's people to the catalogue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centres.access import get_centre_for
from centres.models import Membership, Role
from core.views import domain_errors_as_messages

from ..models import OccupationalCompetence
from ..services import staff as services
from ..staff_forms import CompetenceForm


def _membership_for_admin(request, centre_id: int, pk: int) -> Membership:
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    return get_object_or_404(
        Membership.objects.select_related("user", "centre").exclude(role=Role.CENTRE_ADMIN), pk=pk, centre=centre
    )


@login_required
def staff_competence(request, centre_id: int, pk: int):
    """An assessor's or IQA's occupational competence, one record per qualification; a form to record or correct one."""
    membership = _membership_for_admin(request, centre_id, pk)
    centre = membership.centre
    form = CompetenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form):
            services.record_competence(
                actor=request.user,
                centre=centre,
                user=membership.user,
                qualification=form.cleaned_data["qualification"],
                sector_experience=form.cleaned_data["sector_experience"],
                evidence=form.cleaned_data["evidence"],
            )
            number = form.cleaned_data["qualification"].number
            messages.success(
                request,
                (_("%(user)s's competence for %(number)s is recorded.") % {"user": membership.user, "number": number}),
            )
            return redirect("portfolio:staff-competence", centre_id=centre.pk, pk=membership.pk)
    competences = OccupationalCompetence.objects.filter(centre=centre, user=membership.user).select_related(
        "qualification", "verified_by", "recorded_by"
    )
    return render(
        request,
        "portfolio/staff_competence.html",
        {"centre": centre, "membership": membership, "competences": list(competences), "form": form},
    )


@login_required
@require_POST
def competence_verify(request, centre_id: int, pk: int):
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    competence = get_object_or_404(
        OccupationalCompetence.objects.select_related("centre", "user", "qualification", "verified_by"),
        pk=pk,
        centre=centre,
    )
    with domain_errors_as_messages(request):
        services.verify_competence(actor=request.user, competence=competence)
        messages.success(
            request,
            (
                _("%(user)s's competence for %(number)s is verified.")
                % {"user": competence.user, "number": competence.qualification.number}
            ),
        )
    membership = Membership.objects.filter(centre=centre, user=competence.user).exclude(role=Role.CENTRE_ADMIN).first()
    if membership is None:
        return redirect("centres:staff-list", centre_id=centre.pk)
    return redirect("portfolio:staff-competence", centre_id=centre.pk, pk=membership.pk)
