"""Helpers shared by the apprenticeship views: scoped lookups (another centre's or employer's record is a 404),
the 403 for the wrong role, the client's address for signatures and the employer link sender."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.views import domain_errors_as_messages
from portfolio.access import get_portfolio_for, portfolios_for
from portfolio.services.checks import is_learner

from ..models import (
    Apprenticeship,
    ProgressReview,
    SignatureRole,
)
from ..services import is_provider
from ..services.links import send_employer_link


def signing_role(request, registration) -> str:
    """The role a signature posted here is made in: the learner's own, or the provider's (the assessor or a centre
    admin); anyone else is refused with 403."""
    if request.POST.get("role") == SignatureRole.LEARNER:
        _forbid_unless(is_learner(request.user, registration), _("Only the learner signs as the learner."))
        return SignatureRole.LEARNER
    _forbid_unless(is_provider(request.user, registration), _("Only the assessor or a centre admin signs here."))
    return SignatureRole.PROVIDER


def _apprenticeship_for(user, registration_pk) -> Apprenticeship:
    registration = get_portfolio_for(user, registration_pk)
    apprenticeship = (
        Apprenticeship.objects.select_related("employer", "employer_contact__user").filter(registration=registration)
    ).first()
    if apprenticeship is None:
        raise Http404("No apprenticeship on this registration.")
    apprenticeship.registration = registration
    return apprenticeship


def _in_scope(user, queryset, pk, registration_path: str):
    """The object, if its registration is one the user may open (else 404)."""
    return get_object_or_404(queryset.filter(**{f"{registration_path}__in": portfolios_for(user).values("pk")}), pk=pk)


def _forbid_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _send_link(request, *, plan=None, review=None):
    thing = plan or review
    registration = thing.apprenticeship.registration
    _forbid_unless(is_provider(request.user, registration), _("Only the assessor or a centre admin send the link."))
    with domain_errors_as_messages(request) as outcome:
        send_employer_link(actor=request.user, training_plan=plan, review=review)
    if outcome.ok:
        messages.success(
            request,
            _("%(name)s has been emailed a link to sign; it works once.")
            % {"name": thing.apprenticeship.employer_contact.user.full_name},
        )


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _review_for(user, pk) -> ProgressReview:
    return _in_scope(
        user,
        ProgressReview.objects.select_related(
            "apprenticeship__registration__learner",
            "apprenticeship__registration__centre",
            "apprenticeship__employer",
            "apprenticeship__employer_contact__user",
        ),
        pk,
        "apprenticeship__registration",
    )


def _require_employer_contact(user) -> None:
    if not user.employer_contacts.filter(is_active=True).exists():
        raise PermissionDenied(_("This page is for employer contacts."))
