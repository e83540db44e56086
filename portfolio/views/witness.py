"""Inviting a witness, and the public page where the witness writes and signs their testimony (no account)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from core.views import domain_errors_as_messages
from portfolio.access import get_portfolio_for
from portfolio.forms import TestimonyForm, WitnessInviteForm
from portfolio.services import AlreadyDone, PortfolioError
from portfolio.services.checks import can_add_evidence
from portfolio.services.witness import get_witness_invitation, invitation_days, invite_witness, receive_testimony

from ._helpers import require_permission


@login_required
def witness_invite(request, pk: int):
    registration = get_portfolio_for(request.user, pk)
    require_permission(
        can_add_evidence(request.user, registration), "Only the learner or their assessor may invite a witness."
    )
    form = WitnessInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request):
            invitation, token = invite_witness(actor=request.user, registration=registration, **form.cleaned_data)
            if token is None:
                messages.info(
                    request,
                    _("%(name)s was invited a moment ago; the same invitation was not sent a second time.")
                    % {"name": invitation.name},
                )
                return redirect("portfolio:registration-portfolio", pk=registration.pk)
            messages.success(
                request,
                ngettext(
                    "%(name)s has been emailed a link to write their testimony; it works once, for %(days)d day.",
                    "%(name)s has been emailed a link to write their testimony; it works once, for %(days)d days.",
                    invitation_days(),
                )
                % {"name": invitation.name, "days": invitation_days()},
            )
            return redirect("portfolio:registration-portfolio", pk=registration.pk)
    return render(request, "portfolio/witness_invite.html", {"registration": registration, "form": form})


def _private(response):
    # The token is in the address: keep it out of other sites' logs and out of caches. ("no-referrer" would make
    # the browser send `Origin: null` with the form, which Django's CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def witness_testimony(request, token: str):
    try:
        invitation = get_witness_invitation(token)
    except AlreadyDone as error:
        return _private(render(request, "portfolio/witness_closed.html", {"message": str(error)}, status=410))
    except PortfolioError as error:
        return _private(render(request, "portfolio/witness_closed.html", {"message": str(error)}, status=404))
    form = TestimonyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            receive_testimony(token=token, **form.cleaned_data)
            return _private(
                render(
                    request,
                    "portfolio/witness_closed.html",
                    {
                        "message": "Thank you: your testimony has been received and sent to the learner's assessor.",
                        "done": True,
                    },
                )
            )
        if isinstance(outcome.error, AlreadyDone):
            return _private(
                render(request, "portfolio/witness_closed.html", {"message": str(outcome.error)}, status=410)
            )
    return _private(render(request, "portfolio/witness_testimony.html", {"invitation": invitation, "form": form}))
