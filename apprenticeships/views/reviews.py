"""Progress reviews, their signatures and the employer's one-time signing link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from centres.auth.client import client_ip
from core.views import domain_errors_as_messages
from portfolio.services.checks import is_learner

from ..forms import (
    EmployerSignForm,
    ReviewForm,
)
from ..selectors import (
    review_state,
)
from ..services import LinkRefused, is_provider
from ..services.links import get_employer_link
from ..services.reviews import record_review
from ..services.signing import sign_review, sign_with_employer_link
from ._common import (
    _forbid_unless,
    _private,
    _review_for,
    _send_link,
    signing_role,
)


@never_cache
def employer_sign(request, token: str):
    """The employer signs the plan or review through the one-time link, without signing in."""
    try:
        link = get_employer_link(token)
    except LinkRefused as error:
        return _private(render(request, "apprenticeships/link_closed.html", {"message": str(error)}, status=410))
    thing = link.training_plan or link.review
    form = EmployerSignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            sign_with_employer_link(token=token, ip_address=client_ip(request), **form.cleaned_data)
        if outcome.ok:
            return _private(
                render(
                    request,
                    "apprenticeships/link_closed.html",
                    {"message": _("Thank you: your signature has been recorded."), "done": True},
                )
            )
        if isinstance(outcome.error, LinkRefused):
            return _private(
                render(request, "apprenticeships/link_closed.html", {"message": str(outcome.error)}, status=410)
            )
    return _private(
        render(
            request,
            "apprenticeships/employer_sign.html",
            {"link": link, "plan": link.training_plan, "review": link.review, "thing": thing, "form": form},
        )
    )


@login_required
def review(request, pk: int):
    progress_review = _review_for(request.user, pk)
    registration = progress_review.apprenticeship.registration
    provider = is_provider(request.user, registration)
    initial = {
        "held_on": progress_review.held_on or timezone.localdate(),
        **{
            name: getattr(progress_review, name)
            for name in (
                "targets_set",
                "targets_met",
                "english_maths",
                "wellbeing",
                "safeguarding",
                "employer_comments",
            )
        },
    }
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _forbid_unless(provider, _("Only the assessor or a centre admin record the review."))
        if form.is_valid():
            with domain_errors_as_messages(request, form=form) as outcome:
                record_review(actor=request.user, review=progress_review, **form.cleaned_data)
            if outcome.ok:
                messages.success(request, _("Review recorded: it now needs three signatures."))
                return redirect("apprenticeships:review", pk=progress_review.pk)
    signatures = list(progress_review.signatures.all())
    live = {s.role: s for s in signatures if s.voided_at is None}
    return render(
        request,
        "apprenticeships/review.html",
        {
            "review": progress_review,
            "registration": registration,
            "apprenticeship": progress_review.apprenticeship,
            "form": form if provider and progress_review.completed_at is None else None,
            "signatures": signatures,
            "live": live,
            "is_learner": is_learner(request.user, registration),
            "is_provider": provider,
            "state": review_state(progress_review, timezone.localdate()),
        },
    )


@login_required
@require_POST
def review_sign(request, pk: int):
    progress_review = _review_for(request.user, pk)
    registration = progress_review.apprenticeship.registration
    role = signing_role(request, registration)
    with domain_errors_as_messages(request) as outcome:
        sign_review(
            actor=request.user,
            review=progress_review,
            role=role,
            content_hash=request.POST.get("content_hash", ""),
            ip_address=client_ip(request),
        )
    if outcome.ok:
        messages.success(request, _("You have signed the review."))
    return redirect("apprenticeships:review", pk=progress_review.pk)


@login_required
@require_POST
def review_link(request, pk: int):
    progress_review = _review_for(request.user, pk)
    _send_link(request, review=progress_review)
    return redirect("apprenticeships:review", pk=progress_review.pk)
