"""The centre admin's list of employer contacts: a new invitation (in the employer wording) and deactivation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from centres.access import get_centre_for, has_role
from centres.models import Invitation, Membership, Role
from core.views import domain_errors_as_messages

from ..models import EmployerContact
from ..services.contacts import deactivate_employer_contact, resend_employer_invitation
from ._common import _forbid_unless

CONTACTS_SHOWN = 500


@login_required
@require_GET
def employer_contacts(request, centre_pk: int):
    centre = get_centre_for(request.user, centre_pk, Role.CENTRE_ADMIN)
    pending = Invitation.objects.pending().filter(user=OuterRef("user_id"))
    contacts = list(
        EmployerContact.objects.filter(employer__centre=centre)
        .select_related("employer", "user")
        .annotate(
            invitation_pending=Exists(pending),
            apprentices=Count("apprenticeships", distinct=True),
        )
        .order_by("-is_active", "employer__name", "user__full_name", "pk")[:CONTACTS_SHOWN]
    )
    return render(request, "apprenticeships/employer_contacts.html", {"centre": centre, "contacts": contacts})


def _contact_for(user, pk) -> EmployerContact:
    """A contact of an employer of a centre the user works at (else 404); a centre admin there acts (else 403)."""
    contact = get_object_or_404(
        EmployerContact.objects.select_related("employer__centre", "user"),
        pk=pk,
        employer__centre_id__in=Membership.objects.filter(user=user).values("centre_id"),
    )
    _forbid_unless(
        has_role(user, Role.CENTRE_ADMIN, contact.employer.centre_id),
        _("Only a centre admin manages employer contacts."),
    )
    return contact


@login_required
@require_POST
def contact_invite(request, pk: int):
    contact = _contact_for(request.user, pk)
    with domain_errors_as_messages(request) as outcome:
        resend_employer_invitation(actor=request.user, contact=contact)
    if outcome.ok:
        messages.success(request, _("A new invitation was sent to %(email)s.") % {"email": contact.user.email})
    return redirect("apprenticeships:employer-contacts", centre_pk=contact.employer.centre_id)


@login_required
@require_POST
def contact_deactivate(request, pk: int):
    contact = _contact_for(request.user, pk)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm the deactivation."))
    else:
        with domain_errors_as_messages(request) as outcome:
            deactivate_employer_contact(actor=request.user, contact=contact, reason=request.POST.get("reason", ""))
        if outcome.ok:
            messages.success(
                request,
                _("%(name)s is no longer an employer contact for %(employer)s.")
                % {"name": contact.user.full_name, "employer": contact.employer.name},
            )
    return redirect("apprenticeships:employer-contacts", centre_pk=contact.employer.centre_id)
