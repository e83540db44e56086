"""Invitations, and the centre admin's pages for the centre's settings, staff and declared interests.

Changing someone's role asks for recent authentication (allauth's reauthentication: the person confirms their
password or second factor, and the request they made then goes ahead)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import domain_errors_as_messages

from . import language, services
from .access import get_centre_for
from .forms import (
    CentreSecurityForm,
    CpdForm,
    CredentialForm,
    EndMembershipForm,
    InvitationPasswordForm,
    LanguageForm,
    PersonalInterestForm,
    StaffMemberForm,
)
from .hooks import caseloads_at, learners_at
from .models import CpdEntry, EqaLink, Invitation, Membership, PersonalInterest, Role, User

# --- Invitations -------------------------------------------------------------------------------------------


def invitation_accept(request, token: str):
    """The page behind the emailed link: choose a password, once, before the link expires."""
    try:
        invitation = services.get_invitation(token)
    except services.InvitationError as exc:
        return render(request, "registration/invitation_invalid.html", {"reason": str(exc)}, status=410)
    form = InvitationPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form):
            user = services.accept_invitation(token=token, password=form.cleaned_data["new_password1"])
            # Signed in at once (a new session key). Staff whose role needs MFA go on to set it up
            # (centres.auth.middleware).
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your password is set and you are signed in."))
            return redirect("home")
    return render(request, "registration/invitation_accept.html", {"form": form, "invitation": invitation})


@login_required
@require_POST
def invitation_resend(request, centre_id: int, user_id: int):
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    is_staff = Membership.objects.filter(centre=centre, user_id=user_id).exists()
    is_learner = User.objects.filter(learners_at(centre), pk=user_id).exists()
    if not (is_staff or is_learner):
        raise Http404("No such person at this centre.")
    person = get_object_or_404(User, pk=user_id)
    kind = Invitation.Kind.STAFF if is_staff else Invitation.Kind.LEARNER
    with domain_errors_as_messages(request):
        services.invite_user(actor=request.user, user=person, centre=centre, kind=kind)
        messages.success(request, (_("A new invitation was sent to %(email)s.") % {"email": person.email}))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("centres:staff-list", centre_id=centre.pk)


# --- Centre settings ---------------------------------------------------------------------------------------


@login_required
@reauthentication_required(allow_get=True)
def centre_settings(request, centre_id: int):
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    form = CentreSecurityForm(
        request.POST or None, initial={"require_mfa_for_assessors": centre.require_mfa_for_assessors}
    )
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form):
            services.set_assessor_mfa(
                actor=request.user, centre=centre, required=form.cleaned_data["require_mfa_for_assessors"]
            )
            messages.success(request, _("The centre's settings are saved."))
            return redirect("centres:staff-list", centre_id=centre.pk)
    return render(request, "centres/centre_settings.html", {"centre": centre, "form": form})


# --- Staff -------------------------------------------------------------------------------------------------


@login_required
def staff_list(request, centre_id: int):
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    memberships = list(
        Membership.objects.filter(centre=centre)
        .select_related("user", "countersignatory")
        .order_by("role", "user__full_name", "user__email")
    )
    caseloads = caseloads_at(centre)
    user_ids = {m.user_id for m in memberships}
    invited = set(
        Invitation.objects.pending().filter(user_id__in=user_ids, centre=centre).values_list("user_id", flat=True)
    )
    latest_cpd = services.latest_cpd(centre, user_ids)
    sections = []
    for role in Role:
        rows = []
        for membership in memberships:
            if membership.role != role or not membership.is_active:
                continue
            caseload = caseloads[(role, membership.user_id)] if role in (Role.ASSESSOR, Role.IQA) else None
            rows.append(
                {
                    "membership": membership,
                    "caseload": caseload,
                    "invitation_pending": membership.user_id in invited,
                    "password_set": membership.user.has_usable_password(),
                    "cpd_warning": ""
                    if role == Role.CENTRE_ADMIN
                    else services.cpd_warning(centre, latest_cpd.get(membership.user_id)),
                }
            )
        sections.append({"role": role, "rows": rows})
    ended = [m for m in memberships if not m.is_active]
    eqa_links = EqaLink.objects.filter(centre=centre, is_active=True).select_related("user")
    return render(
        request,
        "centres/staff_list.html",
        {
            "centre": centre,
            "sections": sections,
            "ended": ended,
            "eqa_links": eqa_links,
            "cpd_cutoff": services.cpd_cutoff(centre),
        },
    )


@login_required
@reauthentication_required(allow_get=True)
def staff_add(request, centre_id: int):
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    form = StaffMemberForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form):
            membership = services.add_staff_member(
                actor=request.user,
                centre=centre,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                credential=form.credential(),
            )
            messages.success(
                request,
                (
                    _("%(user)s is now a %(lower)s here.")
                    % {"user": membership.user, "lower": membership.get_role_display().lower()}
                ),
            )
            return redirect("centres:staff-list", centre_id=centre.pk)
    return render(request, "centres/staff_form.html", {"centre": centre, "form": form})


def _membership_for_admin(request, centre_id: int, pk: int) -> Membership:
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    return get_object_or_404(
        Membership.objects.select_related("user", "centre", "countersignatory"), pk=pk, centre=centre
    )


def _credential_initial(membership: Membership) -> dict:
    return {
        "status": membership.status,
        "countersignatory": membership.countersignatory_id,
        "award": membership.award,
        "award_title": membership.award_title,
        "certificate_number": membership.certificate_number,
        "awarded_on": membership.awarded_on,
        "registered_on": membership.registered_on,
    }


def _membership_page(request, membership: Membership, *, form=None, cpd_form=None, status=200):
    """The centre admin's page for one role: the award and the CPD log (occupational competence per qualification
    has its own page, in portfolio: it joins people to the catalogue)."""
    centre = membership.centre
    assessing = membership.role != Role.CENTRE_ADMIN
    if form is None and assessing:
        form = CredentialForm(centre=centre, role=membership.role, initial=_credential_initial(membership))
    cpd_entries = list(CpdEntry.objects.filter(centre=centre, user=membership.user).select_related("recorded_by"))
    context = {
        "centre": centre,
        "membership": membership,
        "form": form,
        "end_form": EndMembershipForm(),
        "assessing": assessing,
        "cpd_entries": cpd_entries,
        "cpd_form": cpd_form or CpdForm(),
        "cpd_warning": services.cpd_warning(centre, max((e.date for e in cpd_entries), default=None)),
    }
    return render(request, "centres/membership_form.html", context, status=status)


@login_required
@reauthentication_required(allow_get=True)
def membership_edit(request, centre_id: int, pk: int):
    membership = _membership_for_admin(request, centre_id, pk)
    centre = membership.centre
    if request.method != "POST" or membership.role == Role.CENTRE_ADMIN:
        return _membership_page(request, membership)
    form = CredentialForm(request.POST, centre=centre, role=membership.role, initial=_credential_initial(membership))
    if form.is_valid():
        with domain_errors_as_messages(request, form=form):
            services.update_staff_credential(actor=request.user, membership=membership, credential=form.credential())
            messages.success(request, (_("%(user)s's record is updated.") % {"user": membership.user}))
            return redirect("centres:staff-list", centre_id=centre.pk)
    return _membership_page(request, membership, form=form)


@login_required
@require_POST
def membership_cpd_add(request, centre_id: int, pk: int):
    membership = _membership_for_admin(request, centre_id, pk)
    form = CpdForm(request.POST)
    if form.is_valid():
        with domain_errors_as_messages(request, form=form):
            services.add_cpd_entry(
                actor=request.user, centre=membership.centre, user=membership.user, **form.cleaned_data
            )
            messages.success(request, (_("CPD recorded for %(user)s.") % {"user": membership.user}))
            return redirect("centres:membership-edit", centre_id=membership.centre_id, pk=membership.pk)
    return _membership_page(request, membership, cpd_form=form)


@login_required
def my_cpd(request, centre_id: int):
    """A member of staff's own CPD log at a centre where they work, and a form to add to it."""
    centre = get_centre_for(request.user, centre_id)
    form = CpdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form):
            services.add_cpd_entry(actor=request.user, centre=centre, user=request.user, **form.cleaned_data)
            messages.success(request, _("Your CPD is recorded."))
            return redirect("centres:my-cpd", centre_id=centre.pk)
    entries = list(CpdEntry.objects.filter(centre=centre, user=request.user))
    warning = services.cpd_warning(centre, max((e.date for e in entries), default=None))
    return render(
        request, "centres/my_cpd.html", {"centre": centre, "form": form, "entries": entries, "cpd_warning": warning}
    )


@login_required
@require_POST
@reauthentication_required
def membership_end(request, centre_id: int, pk: int):
    membership = _membership_for_admin(request, centre_id, pk)
    form = EndMembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the role ends."))
        return redirect("centres:membership-edit", centre_id=membership.centre_id, pk=membership.pk)
    with domain_errors_as_messages(request):
        services.end_membership(actor=request.user, membership=membership, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            (
                _("%(user)s's role as %(lower)s has ended.")
                % {"user": membership.user, "lower": membership.get_role_display().lower()}
            ),
        )
        return redirect("centres:staff-list", centre_id=membership.centre_id)
    return redirect("centres:membership-edit", centre_id=membership.centre_id, pk=membership.pk)


# --- Personal interests ------------------------------------------------------------------------------------


@login_required
def interest_list(request, centre_id: int):
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    form = PersonalInterestForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form):
            conflicts = services.declare_personal_interest(
                actor=request.user,
                centre=centre,
                staff=form.cleaned_data["staff"],
                learner=form.cleaned_data["learner"],
                description=form.cleaned_data["description"],
            )
            messages.success(request, _("The interest is recorded."))
            for registration in conflicts:
                messages.warning(
                    request,
                    (
                        _("%(value)s is assessor or IQA on %(registration)s: choose someone else.")
                        % {"value": form.cleaned_data["staff"], "registration": registration}
                    ),
                )
            return redirect("centres:interest-list", centre_id=centre.pk)
    interests = (
        PersonalInterest.objects.declared(centre=centre).select_related("staff", "learner").order_by("-declared_at")
    )
    return render(request, "centres/interest_list.html", {"centre": centre, "form": form, "interests": interests})


# --- The person's own language -------------------------------------------------------------------------------


@login_required
def language_choice(request):
    """Language / Iaith: the person chooses English, Welsh or their browser's language for every page."""
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        user = language.set_language(actor=request.user, language=form.cleaned_data["language"])
        # This response already speaks the new language; the next requests follow it (centres.language).
        translation.activate(user.language or translation.get_language_from_request(request))
        messages.success(request, _("Your choice of language is saved."))
        return redirect("language")
    return render(request, "centres/language.html", {"form": form})
