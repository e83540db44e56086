"""RPL pages: a registration's claims, recording one (the assessor), deciding it (the assessor), checking the
decision (the learner's IQA). Readable by the learner and the centre's staff in scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import domain_errors_as_messages

from ..access import get_portfolio_for, portfolios_for
from ..models import RplClaim
from ..rpl_forms import RplCheckForm, RplClaimForm, RplDecisionForm
from ..services import rpl as services
from ..services.checks import allowed_criteria, is_assessor
from ._helpers import require_permission


def _claim_for(user, pk: int) -> RplClaim:
    return get_object_or_404(
        RplClaim.objects.filter(registration__in=portfolios_for(user)).select_related(
            "registration__centre",
            "registration__learner",
            "registration__qualification",
            "evidence",
            "decided_by",
            "iqa_checked_by",
            "created_by",
        ),
        pk=pk,
    )


def _links(claim: RplClaim) -> list:
    return list(
        claim.evidence.links.select_related("criterion__unit")
        .prefetch_related("criterion__wordings")
        .order_by("criterion__unit__reference", "pk")
    )


@login_required
def rpl_list(request, pk: int):
    registration = get_portfolio_for(request.user, pk)
    claims = RplClaim.objects.filter(registration=registration).select_related("evidence", "decided_by")
    return render(
        request,
        "portfolio/rpl_list.html",
        {"registration": registration, "claims": claims, "may_claim": is_assessor(request.user, registration)},
    )


@login_required
def rpl_create(request, pk: int):
    registration = get_portfolio_for(request.user, pk)
    require_permission(is_assessor(request.user, registration), "Only the learner's assessor records an RPL claim.")
    criteria = sorted(allowed_criteria(registration).values(), key=lambda c: (c.unit.reference, c.pk))
    prefetch_related_objects(criteria, "wordings")
    form = RplClaimForm(request.POST or None, criteria=criteria, pathway_id=registration.pathway_id)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request):
            claim = services.claim_rpl(actor=request.user, registration=registration, **form.cleaned_data)
            messages.success(request, _("The RPL claim is recorded. Add the certificates seen, then decide it."))
            return redirect("portfolio:rpl-detail", pk=claim.pk)
    return render(request, "portfolio/rpl_form.html", {"registration": registration, "form": form})


def _detail(request, claim: RplClaim, *, decision_form=None, check_form=None):
    links = _links(claim)
    registration = claim.registration
    may_decide = not claim.is_decided and is_assessor(request.user, registration)
    may_check = claim.is_decided and not claim.iqa_check and services.may_check_rpl(request.user, claim)
    context = {
        "claim": claim,
        "registration": registration,
        "links": links,
        "decision_form": (decision_form or RplDecisionForm(links=links, pathway_id=registration.pathway_id))
        if may_decide
        else None,
        "check_form": (check_form or RplCheckForm()) if may_check and claim.decided_by_id != request.user.pk else None,
        "may_add_files": is_assessor(request.user, registration),
    }
    return render(request, "portfolio/rpl_detail.html", context)


@login_required
def rpl_detail(request, pk: int):
    return _detail(request, _claim_for(request.user, pk))


@login_required
@require_POST
def rpl_decide(request, pk: int):
    claim = _claim_for(request.user, pk)
    require_permission(is_assessor(request.user, claim.registration), "Only the learner's assessor decides RPL.")
    form = RplDecisionForm(request.POST, links=_links(claim), pathway_id=claim.registration.pathway_id)
    if form.is_valid():
        with domain_errors_as_messages(request):
            services.decide_rpl(
                actor=request.user, claim=claim, accepted=form.cleaned_data["accepted"], note=form.cleaned_data["note"]
            )
            messages.success(request, _("The RPL decision is recorded; accepted criteria are marked met."))
            return redirect("portfolio:rpl-detail", pk=claim.pk)
    return _detail(request, claim, decision_form=form)


@login_required
@require_POST
def rpl_check(request, pk: int):
    claim = _claim_for(request.user, pk)
    require_permission(services.may_check_rpl(request.user, claim), "Only the learner's IQA checks an RPL decision.")
    form = RplCheckForm(request.POST)
    if form.is_valid():
        with domain_errors_as_messages(request):
            services.check_rpl(
                actor=request.user, claim=claim, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
            messages.success(request, _("Your check of the RPL decision is recorded."))
            return redirect("portfolio:rpl-detail", pk=claim.pk)
    return _detail(request, claim, check_form=form)
