"""The whole-qualification evidence map of a registration."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.views import domain_errors_as_messages
from portfolio.access import get_portfolio_for
from portfolio.maps import check_may_view_map, evidence_map


@login_required
@require_GET
def registration_map(request, pk: int):
    registration = get_portfolio_for(request.user, pk)
    with domain_errors_as_messages(request):
        check_may_view_map(request.user, registration)
    return render(
        request,
        "portfolio/evidence_map.html",
        {
            "registration": registration,
            "map": evidence_map(registration),
            "is_learner": registration.learner_id == request.user.pk,
        },
    )
