"""The thread pages: read a thread (the same section the evidence and unit pages show) and post a reply."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.views import domain_errors_as_messages
from portfolio.access import get_evidence_for, get_portfolio_for
from portfolio.models import RegistrationUnit

from .sections import evidence_thread_section, unit_thread_section
from .services import post_on_evidence, post_on_unit


def _thread_page(request, section: list[dict], *, title: str, back: str, post):
    if not section:
        raise PermissionDenied("This conversation is between the learner, their assessor and a sampling IQA.")
    if request.method == "POST":
        if not section[0]["can_post"]:
            raise PermissionDenied("You may read this conversation but not post in it.")
        with domain_errors_as_messages(request) as outcome:
            post(request.POST.get("body", ""))
            messages.success(request, _("Message sent."))
        if outcome.ok:
            return redirect(back + "#" + section[0]["heading_id"])
    return render(request, "conversations/thread.html", {"section": section[0], "title": title, "back": back})


@login_required
def evidence_thread(request, pk: int):
    evidence = get_evidence_for(request.user, pk)
    return _thread_page(
        request,
        evidence_thread_section(request.user, evidence),
        title=_("Conversation on evidence %(reference)s: %(title)s")
        % {"reference": evidence.reference, "title": evidence.title},
        back=reverse("portfolio:evidence-detail", args=[evidence.pk]),
        post=lambda body: post_on_evidence(actor=request.user, evidence=evidence, body=body),
    )


@login_required
def unit_thread(request, pk: int, unit_pk: int):
    registration = get_portfolio_for(request.user, pk)
    entry = get_object_or_404(
        RegistrationUnit.objects.select_related("unit"), registration=registration, unit_id=unit_pk
    )
    return _thread_page(
        request,
        unit_thread_section(request.user, registration, entry.unit),
        title=_("Conversation on %(unit)s %(title)s") % {"unit": entry.unit.reference, "title": entry.unit.title},
        back=reverse("portfolio:unit-progress", args=[registration.pk, entry.unit.pk]),
        post=lambda body: post_on_unit(actor=request.user, registration=registration, unit=entry.unit, body=body),
    )
