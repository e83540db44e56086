"""The learner's portfolio pages: the portfolio and unit progress, adding evidence and files, linking it to
criteria, submitting, withdrawing and new versions. Every object is fetched through a scoped lookup."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.views import domain_errors_as_messages
from portfolio.access import get_evidence_for, get_portfolio_for
from portfolio.forms import EvidenceForm, NewVersionForm, WithdrawForm
from portfolio.maps import may_view_map
from portfolio.models import Evidence, EvidenceLink, Registration, RegistrationUnit
from portfolio.progress import registration_progress, unit_status, unit_statuses
from portfolio.sections import evidence_details, evidence_sections, gather, registration_actions, unit_sections
from portfolio.selectors import evidence_page, portfolio_page
from portfolio.services import AlreadyDone
from portfolio.services.checks import can_add_evidence, can_edit_evidence, is_assessor, is_learner
from portfolio.services.evidence import (
    add_files,
    create_evidence,
    new_version,
    save_links,
    submit_evidence,
    withdraw_evidence,
)
from qualifications.guidance import labels_for_qualification

from ._helpers import require_permission, upload_context, upload_view, uploaded_files, uploads_refused


@login_required
def my_portfolio(request):
    registrations = list(
        Registration.objects.filter(learner=request.user)
        .select_related("qualification", "centre")
        .order_by("-start_date")
    )
    active = [registration for registration in registrations if registration.status == Registration.Status.ACTIVE]
    if len(active) == 1:
        return redirect("portfolio:registration-portfolio", pk=active[0].pk)
    progress = registration_progress(registrations)  # one query, for a ring per qualification
    rows = [(registration, progress[registration.pk]) for registration in registrations]
    return render(request, "portfolio/my_portfolio.html", {"registrations": registrations, "rows": rows})


@login_required
def registration_portfolio(request, pk: int):
    registration = get_portfolio_for(request.user, pk)
    page = portfolio_page(registration)
    return render(
        request,
        "portfolio/portfolio.html",
        {
            "registration": registration,
            "page": page,
            "can_add": can_add_evidence(request.user, registration)
            and registration.status == Registration.Status.ACTIVE,
            "is_learner": is_learner(request.user, registration),
            "may_export": is_learner(request.user, registration),  # a centre admin exports from the record page
            "is_assessor": is_assessor(request.user, registration),
            "can_view_map": may_view_map(request.user, registration),
            "more_actions": [
                action for actions in registration_actions.ask(request.user, registration) for action in actions
            ],
        },
    )


@login_required
def unit_progress(request, pk: int, unit_pk: int):
    registration = get_portfolio_for(request.user, pk)
    entry = get_object_or_404(
        RegistrationUnit.objects.select_related("unit"), registration=registration, unit_id=unit_pk
    )
    status = unit_status(registration, entry.unit)
    return render(
        request,
        "portfolio/unit_progress.html",
        {
            "registration": registration,
            "status": status,
            "is_assessor": is_assessor(request.user, registration),
            "sections": gather(unit_sections, request.user, registration, entry.unit),
            "guidance_labels": labels_for_qualification(registration.qualification),
        },
    )


def _evidence_fields(request, data: dict) -> dict:
    """What the evidence form and the new-version form both hand to their service."""
    return {
        "title": data["title"],
        "date": data["date"],
        "description": data["description"],
        "methods": list(data["methods"]),
        "location": data["location"],
        "files": uploaded_files(request),
        "simulation_reason": data["simulation_reason"],
    }


@upload_view
@login_required
def evidence_create(request, pk: int):
    registration = get_portfolio_for(request.user, pk)
    require_permission(
        can_add_evidence(request.user, registration), "Only the learner or their assessor may add evidence."
    )
    form = EvidenceForm(
        request.POST or None, for_learner=is_learner(request.user, registration), centre=registration.centre
    )
    if request.method == "POST":
        refused = uploads_refused(request)
        if form.is_valid() and not refused:
            data = form.cleaned_data
            with domain_errors_as_messages(request) as outcome:
                evidence = create_evidence(
                    actor=request.user,
                    registration=registration,
                    submission_token=data["submission_token"],
                    **_evidence_fields(request, data),
                )
                messages.success(
                    request,
                    _("Evidence %(reference)s saved as a draft. Now link it to the criteria it shows.")
                    % {"reference": evidence.reference},
                )
                return redirect("portfolio:evidence-link", pk=evidence.pk)
            if isinstance(outcome.error, AlreadyDone):
                return redirect("portfolio:evidence-detail", pk=outcome.error.obj.pk)
    return render(
        request,
        "portfolio/evidence_form.html",
        {"registration": registration, "form": form, "heading": _("Add evidence"), **upload_context()},
    )


def _actions(user, evidence: Evidence) -> dict:
    registration = evidence.registration
    active = registration.status == Registration.Status.ACTIVE
    editable = active and can_edit_evidence(user, evidence) and evidence.is_current
    has_rejected = any(link.status == EvidenceLink.Status.REJECTED for link in evidence.links.all())
    return {
        "can_edit": editable and evidence.status != Evidence.Status.WITHDRAWN,
        "can_add_files": editable and evidence.status == Evidence.Status.DRAFT,
        "can_submit": editable and evidence.status == Evidence.Status.DRAFT,
        "can_withdraw": active
        and evidence.status != Evidence.Status.WITHDRAWN
        and (can_edit_evidence(user, evidence) or is_assessor(user, registration)),
        "can_new_version": editable and evidence.status == Evidence.Status.SUBMITTED and has_rejected,
        "can_judge": active
        and is_assessor(user, registration)
        and evidence.is_current
        and evidence.status == Evidence.Status.SUBMITTED,
        "needs_declaration": evidence.author_id == user.pk and is_learner(user, registration),
    }


@login_required
def evidence_detail(request, pk: int):
    evidence = get_evidence_for(request.user, pk)
    page = evidence_page(evidence)
    evidence._prefetched_objects_cache["links"] = [row.link for row in page.rows]
    return render(
        request,
        "portfolio/evidence_detail.html",
        {
            "evidence": evidence,
            "page": page,
            "links": evidence._prefetched_objects_cache["links"],
            "sections": gather(evidence_sections, request.user, evidence),
            "registration": evidence.registration,
            "guidance_labels": labels_for_qualification(evidence.registration.qualification),
            "details": gather(evidence_details, request.user, evidence),
            **_actions(request.user, evidence),
        },
    )


@upload_view
@login_required
def evidence_files(request, pk: int):
    evidence = get_evidence_for(request.user, pk)
    require_permission(can_edit_evidence(request.user, evidence), "Only the evidence's author may add files.")
    if request.method == "POST":
        if not uploads_refused(request):
            with domain_errors_as_messages(request):
                stored = add_files(actor=request.user, evidence=evidence, files=uploaded_files(request))
                messages.success(
                    request,
                    ngettext("Added %(count)d file.", "Added %(count)d files.", len(stored)) % {"count": len(stored)},
                )
                return redirect("portfolio:evidence-detail", pk=evidence.pk)
    return render(
        request,
        "portfolio/evidence_files.html",
        {"evidence": evidence, "registration": evidence.registration, **upload_context()},
    )


def _picker(registration: Registration, evidence: Evidence, query: str) -> list:
    """Units of the plan, grouped by learning outcome, with each required criterion's state, for the picker.
    With a query (no JavaScript), only the matching criteria."""
    linked = {link.criterion_id: link for link in evidence.links.all()}
    query = query.strip().lower()
    units = []
    for status in unit_statuses(registration):
        outcomes = []
        for outcome in status.outcomes:
            rows = []
            for criterion_status in outcome.criteria:
                if not criterion_status.required:
                    continue
                criterion = criterion_status.criterion
                haystack = f"{status.unit.reference} {status.unit.title} {criterion.code} {criterion.text}".lower()
                if query and query not in haystack:
                    continue
                rows.append({"status": criterion_status, "link": linked.get(criterion.pk)})
            if rows:
                outcomes.append({"outcome": outcome.outcome, "rows": rows})
        if outcomes:
            chosen = sum(1 for outcome in outcomes for row in outcome["rows"] if row["link"])
            units.append({"status": status, "outcomes": outcomes, "chosen": chosen})
    return units


@login_required
def evidence_link(request, pk: int):
    evidence = get_evidence_for(request.user, pk)
    registration = evidence.registration
    require_permission(can_edit_evidence(request.user, evidence), "Only the evidence's author may link it to criteria.")
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        with domain_errors_as_messages(request) as outcome:
            added, removed = save_links(
                actor=request.user,
                evidence=evidence,
                criterion_ids=request.POST.getlist("criteria"),
                submit=submit,
                declaration=request.POST.get("declaration") == "on",
            )
            if submit:
                messages.success(
                    request, _("Evidence %(reference)s submitted to your assessor.") % {"reference": evidence.reference}
                )
            else:
                messages.success(
                    request,
                    _("Links saved: %(added)s added, %(removed)s removed.") % {"added": added, "removed": removed},
                )
        if outcome.ok or isinstance(outcome.error, AlreadyDone):
            return redirect("portfolio:evidence-detail", pk=evidence.pk)
    links = list(evidence.links.select_related("criterion"))
    evidence._prefetched_objects_cache = {"links": links}
    query = request.GET.get("q", "")[:100]
    units = _picker(registration, evidence, query)
    shown = {row["status"].criterion.pk for unit in units for outcome in unit["outcomes"] for row in outcome["rows"]}
    return render(
        request,
        "portfolio/evidence_link.html",
        {
            "evidence": evidence,
            "registration": registration,
            "units": units,
            "query": query,
            "hidden_links": [link.criterion_id for link in links if link.criterion_id not in shown],
            "linked_count": len(links),
            "guidance_labels": labels_for_qualification(registration.qualification),
            **_actions(request.user, evidence),
        },
    )


@require_POST
@login_required
def evidence_submit(request, pk: int):
    evidence = get_evidence_for(request.user, pk)
    with domain_errors_as_messages(request):
        submit_evidence(actor=request.user, evidence=evidence, declaration=request.POST.get("declaration") == "on")
        messages.success(
            request, (_("Evidence %(reference)s submitted to the assessor.") % {"reference": evidence.reference})
        )
    return redirect("portfolio:evidence-detail", pk=evidence.pk)


@login_required
def evidence_withdraw(request, pk: int):
    evidence = get_evidence_for(request.user, pk)
    actions = _actions(request.user, evidence)
    require_permission(actions["can_withdraw"] or evidence.status == Evidence.Status.WITHDRAWN)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request) as outcome:
            withdraw_evidence(actor=request.user, evidence=evidence, reason=form.cleaned_data["reason"])
            messages.success(
                request,
                (_("Evidence %(reference)s withdrawn. It stays in the history.") % {"reference": evidence.reference}),
            )
        if outcome.ok or isinstance(outcome.error, AlreadyDone):
            return redirect("portfolio:evidence-detail", pk=evidence.pk)
    return render(
        request,
        "portfolio/evidence_withdraw.html",
        {"evidence": evidence, "registration": evidence.registration, "form": form},
    )


@upload_view
@login_required
def evidence_new_version(request, pk: int):
    evidence = get_evidence_for(request.user, pk)
    require_permission(can_edit_evidence(request.user, evidence), "Only the evidence's author may add a new version.")
    initial = {
        "title": evidence.title,
        "date": evidence.date,
        "description": evidence.description,
        "methods": list(evidence.methods.values_list("pk", flat=True)),
        "location": evidence.location,
        "simulation_reason": evidence.simulation_reason,
        "keep_files": True,
    }
    form = NewVersionForm(
        request.POST or None,
        initial=initial,
        centre=evidence.registration.centre,
        for_learner=is_learner(request.user, evidence.registration),
        keep_codes=list(evidence.methods.values_list("code", flat=True)),
    )
    if request.method == "POST":
        refused = uploads_refused(request)
        if form.is_valid() and not refused:
            data = form.cleaned_data
            with domain_errors_as_messages(request) as outcome:
                new = new_version(
                    actor=request.user,
                    evidence=evidence,
                    keep_files=data["keep_files"],
                    **_evidence_fields(request, data),
                )
                messages.success(
                    request,
                    _("Version %(version)s of evidence %(reference)s saved as a draft. Check its links and submit it.")
                    % {"version": new.version, "reference": new.reference},
                )
                return redirect("portfolio:evidence-link", pk=new.pk)
            if isinstance(outcome.error, AlreadyDone):
                return redirect("portfolio:evidence-detail", pk=outcome.error.obj.pk)
    return render(
        request,
        "portfolio/evidence_form.html",
        {
            "registration": evidence.registration,
            "evidence": evidence,
            "form": form,
            "heading": _("New version of evidence %(reference)s") % {"reference": evidence.reference},
            "cancel_url": reverse("portfolio:evidence-detail", args=[evidence.pk]),
            **upload_context(),
        },
    )
