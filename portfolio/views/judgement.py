"""The assessor's pages: the queue of evidence awaiting review, judging evidence, marking criteria met, and the
countersigning of trainee assessors' decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from centres import conflicts
from centres.access import has_role
from centres.models import Role
from centres.params import parse_id
from core.views import domain_errors_as_messages
from portfolio.access import evidence_for, get_evidence_for, get_portfolio_for, registrations_for
from portfolio.forms import CountersignForm, MarkMetForm
from portfolio.models import CriterionDecision, EvidenceLink, RegistrationUnit
from portfolio.progress import registration_progress
from portfolio.selectors import (
    approved_adjustments,
    assessor_learners,
    assessor_queue,
    countersign_queue,
    evidence_page,
    waiting_evidence,
)
from portfolio.services import PortfolioError
from portfolio.services.checks import is_assessor
from portfolio.services.judgement import (
    LinkJudgement,
    countersign_decision,
    countersign_evidence,
    countersign_link,
    judge_all,
    judge_evidence,
    mark_criterion_met,
    supervised_pairs,
    unmark_criterion,
)
from qualifications.guidance import labels_for_qualification
from qualifications.models import AssessmentCriterion

from ._helpers import require_permission

QUEUE_LIMIT = 200


@login_required
def queue(request):
    require_permission(has_role(request.user, Role.ASSESSOR), "The assessment queue is for assessors.")
    learners = assessor_learners(request.user)
    by_id = {registration.pk: registration for registration in learners}
    # The learners are loaded already: the queue reads evidence alone rather than joining registrations again (nor
    # its authors, whom the page does not show: PostgreSQL joined the whole user table for them, 11 ms at 10,000).
    items = waiting_evidence(list(by_id), QUEUE_LIMIT)
    for item in items:
        item.registration = by_id[item.registration_id]
    progress = registration_progress(learners)
    rows = [(registration, progress[registration.pk]) for registration in learners]
    return render(request, "portfolio/assessor_queue.html", {"items": items, "rows": rows, "limit": QUEUE_LIMIT})


def _parse_judgements(post) -> list[LinkJudgement]:
    judgements = []
    for key in post:
        if not key.startswith("decision-"):
            continue
        value = post.get(key)
        if value not in {"accept", "reject"}:
            continue
        link_id = parse_id(key.removeprefix("decision-"))
        if link_id is None:
            raise PortfolioError(_("One of the criteria judged is not linked to this evidence; nothing was saved."))
        judgements.append(
            LinkJudgement(
                link_id=link_id,
                accepted=value == "accept",
                feedback=post.get(f"feedback-{link_id}", ""),
                mark_met=post.get(f"met-{link_id}") == "on",
            )
        )
    return judgements


def _next_in_queue(user, after):
    """The oldest evidence still waiting for this assessor, other than the piece just judged: it opens next."""
    return assessor_queue(user).exclude(pk=after.pk).values_list("pk", flat=True).first()


def _saved_text(judged: int, marked: int) -> str:
    saved = ngettext("Saved %(judged)s judgement", "Saved %(judged)s judgements", judged) % {"judged": judged}
    if not marked:
        return saved + "."
    # Two counts, so two plurals: the second sentence takes the first whole.
    return ngettext(
        "%(saved)s and marked %(marked)s criterion met.",
        "%(saved)s and marked %(marked)s criteria met.",
        marked,
    ) % {"saved": saved, "marked": marked}


@login_required
def evidence_judge(request, pk: int):
    evidence = get_evidence_for(request.user, pk)
    registration = evidence.registration
    require_permission(is_assessor(request.user, registration), "Only the learner's assessor may judge evidence.")
    if request.method == "POST":
        with domain_errors_as_messages(request):
            everything = request.POST.get("all")
            feedback = request.POST.get("overall_feedback", "")
            if everything in {"accept", "reject"}:
                accepting = everything == "accept"
                if accepting and request.POST.get("confirm_vacs") != "on":
                    raise PortfolioError(
                        _("Confirm that the evidence you accept is valid, authentic, current and sufficient.")
                    )
                judged, marked = judge_all(
                    actor=request.user,
                    evidence=evidence,
                    accepted=accepting,
                    feedback=feedback,
                    mark_met=request.POST.get("met_all") == "on",
                )
            else:
                judgements = _parse_judgements(request.POST)
                if any(judgement.accepted for judgement in judgements) and request.POST.get("confirm_vacs") != "on":
                    raise PortfolioError(
                        _("Confirm that the evidence you accept is valid, authentic, current and sufficient.")
                    )
                judged, marked = judge_evidence(
                    actor=request.user, evidence=evidence, judgements=judgements, feedback=feedback
                )
            messages.success(request, _saved_text(judged, marked))
            following = _next_in_queue(request.user, evidence)
            if following is None:
                messages.info(request, _("Nothing else is waiting for you."))
                return redirect("portfolio:assessor-queue")
            return redirect("portfolio:evidence-judge", pk=following)
    page = evidence_page(evidence)
    return render(
        request,
        "portfolio/evidence_judge.html",
        {
            "evidence": evidence,
            "registration": registration,
            "page": page,
            "links": [row.link for row in page.rows],
            "guidance_labels": labels_for_qualification(registration.qualification),
            "adjustments": approved_adjustments(registration, {row.link.criterion.unit_id for row in page.rows}),
            "judgeable": evidence.is_current and evidence.status == evidence.Status.SUBMITTED,
            # A declared interest stops the assessor judging: say so here rather than after they try.
            "conflict": conflicts.interest_conflict(request.user, registration, conflicts.Act.JUDGE),
            "posted": request.POST if request.method == "POST" else {},
        },
    )


@require_POST
@login_required
def criterion_decide(request, pk: int, criterion_pk: int):
    registration = get_portfolio_for(request.user, pk)
    require_permission(is_assessor(request.user, registration), "Only the learner's assessor may mark criteria met.")
    criterion = get_object_or_404(AssessmentCriterion, pk=criterion_pk)
    form = MarkMetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid date met (day, month and year)."))
    else:
        data = form.cleaned_data
        with domain_errors_as_messages(request):
            if data["action"] == "mark":
                decision = mark_criterion_met(
                    actor=request.user, registration=registration, criterion=criterion, met_on=data["met_on"]
                )
                if decision.is_final:
                    text = _("%(code)s marked met on %(met_on)s.")
                else:
                    text = _("%(code)s marked met on %(met_on)s, awaiting countersignature.")
                messages.success(request, text % {"code": criterion.code, "met_on": f"{decision.met_on:%d/%m/%Y}"})
            else:
                unmark_criterion(
                    actor=request.user, registration=registration, criterion=criterion, reason=data["reason"]
                )
                messages.success(request, (_("%(code)s is no longer marked met.") % {"code": criterion.code}))
    return_to = form.cleaned_data.get("return_to") if form.is_valid() else None
    if return_to and evidence_for(request.user).filter(pk=return_to, registration=registration).exists():
        return redirect("portfolio:evidence-judge", pk=return_to)
    if RegistrationUnit.objects.filter(registration=registration, unit_id=criterion.unit_id).exists():
        return redirect("portfolio:unit-progress", pk=registration.pk, unit_pk=criterion.unit_id)
    return redirect("portfolio:registration-portfolio", pk=registration.pk)


@login_required
def countersign_queue_view(request):
    require_permission(has_role(request.user, Role.ASSESSOR), "Countersigning is for assessors.")
    links, decisions = countersign_queue(request.user)
    pieces: dict[int, dict] = {}
    for link in links:
        pieces.setdefault(link.evidence_id, {"evidence": link.evidence, "count": 0})["count"] += 1
    return render(
        request,
        "portfolio/countersign_queue.html",
        {"links": links, "decisions": decisions, "pieces": list(pieces.values())},
    )


@require_POST
@login_required
def countersign(request, kind: str, pk: int):
    scope = registrations_for(request.user).values("pk")
    if kind == "link":
        obj = get_object_or_404(EvidenceLink, pk=pk, evidence__registration_id__in=scope)
        service = countersign_link
        keyword = "link"
    elif kind == "decision":
        obj = get_object_or_404(CriterionDecision, pk=pk, registration_id__in=scope)
        service = countersign_decision
        keyword = "decision"
    else:
        return redirect("portfolio:countersign-queue")
    form = CountersignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to confirm or overturn the decision."))
        return redirect("portfolio:countersign-queue")
    confirm = form.cleaned_data["outcome"] == "confirm"
    with domain_errors_as_messages(request):
        service(actor=request.user, confirm=confirm, note=form.cleaned_data["note"], **{keyword: obj})
        messages.success(
            request, "Decision confirmed." if confirm else "Decision overturned; the assessor will see your note."
        )
    return redirect("portfolio:countersign-queue")


@require_POST
@login_required
def countersign_all(request, pk: int):
    """Confirm every decision on one piece of evidence that waits for this countersignatory."""
    evidence = get_evidence_for(request.user, pk)
    require_permission(
        bool(supervised_pairs(request.user)), "Only a countersignatory of trainee assessors may countersign."
    )
    with domain_errors_as_messages(request):
        links, decisions = countersign_evidence(
            actor=request.user, evidence=evidence, note=request.POST.get("note", "")
        )
        messages.success(
            request,
            f"Confirmed {links + decisions} decision{'s' if links + decisions != 1 else ''} on evidence "
            f"{evidence.reference}.",
        )
    return redirect("portfolio:countersign-queue")
