"""One registration's record, and the identity check and initial assessment recorded on it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext

from centres.access import has_role
from centres.models import Event, Invitation, Role
from ledger.services import head_of
from portfolio.access import get_registration_for
from portfolio.models import InitialAssessment, Registration
from portfolio.progress import registration_progress
from portfolio.registration_forms import IdentityCheckForm, InitialAssessmentForm
from portfolio.services import initial_assessment
from portfolio.services import registration as services
from portfolio.services.adjustments import may_request_adjustment
from portfolio.services.checks import is_learner as is_learner_of
from qualifications.models import QualificationUnit
from qualifications.spec_rules import IDENTITY_RULES

from ._record import change_record


@login_required
def registration_detail(request, pk: int):
    registration = get_registration_for(request.user, pk)
    is_admin = has_role(request.user, Role.CENTRE_ADMIN, registration.centre)
    is_staff = (
        is_admin
        or has_role(request.user, Role.ASSESSOR, registration.centre)
        or has_role(request.user, Role.IQA, registration.centre)
    )
    plan = list(registration.plan.select_related("unit").order_by("unit__reference"))
    numbers = dict(
        QualificationUnit.objects.filter(qualification_id=registration.qualification_id).values_list(
            "unit_id", "number"
        )
    )
    order = dict(
        QualificationUnit.objects.filter(qualification_id=registration.qualification_id).values_list("unit_id", "order")
    )
    plan.sort(key=lambda entry: order.get(entry.unit_id, 0))
    for entry in plan:
        entry.number = numbers.get(entry.unit_id, "")
    progress = registration_progress([registration])[registration.pk]
    context = {
        "registration": registration,
        "plan": plan,
        "progress": progress,
        "schedule": services.schedule_for(registration, progress),
        "is_admin": is_admin,
        "is_staff": is_staff,
        "id_checked_by": registration.id_checked_by,
        "initial_assessment": InitialAssessment.objects.filter(registration=registration)
        .select_related("assessed_by")
        .first()
        if is_staff
        else None,
        "may_record_initial_assessment": registration.status == Registration.Status.ACTIVE
        and initial_assessment.may_record_initial_assessment(request.user, registration),
        "may_record_identity": services.may_record_identity(request.user, registration),
        "may_request_adjustment": may_request_adjustment(request.user, registration),
        # An EQA reads adjustments in the pack and on the sheets they were shared, not here.
        "show_adjustments": is_staff or is_learner_of(request.user, registration),
        "adjustments": list(registration.adjustments.all()),
        "chain_head": head_of(registration.pk),
        "events": Event.objects.filter(registration_id=registration.pk).select_related("actor").order_by("-at", "-id")
        if is_staff
        else [],
        "invitation": Invitation.objects.filter(user=registration.learner).order_by("-created_at").first()
        if is_admin
        else None,
    }
    return render(request, "portfolio/registrations/registration_detail.html", context)


@login_required
def registration_identity(request, pk: int):
    """The centre admin or the learner's assessor records how the learner's identity was confirmed."""
    registration = get_registration_for(request.user, pk)
    if not services.may_record_identity(request.user, registration):
        raise PermissionDenied("Only the centre admin or the learner's assessor may record the identity check.")
    _, quote = IDENTITY_RULES.get(registration.qualification.number, ((), ""))
    return change_record(
        request,
        registration,
        IdentityCheckForm(request.POST or None, registration=registration),
        template="portfolio/registrations/identity.html",
        call=lambda data: services.record_identity_check(
            actor=request.user,
            registration=registration,
            document_type=data["id_document_type"],
            details=data["id_details"],
            checked_by=data["id_checked_by"],
            checked_on=data["id_checked_on"],
        ),
        success=gettext("The identity check is recorded."),
        context={"third_party_quote": quote},
    )


@login_required
def registration_initial_assessment(request, pk: int):
    """The learner's assessor or the centre admin records (or corrects) the initial assessment."""
    registration = get_registration_for(request.user, pk)
    if not initial_assessment.may_record_initial_assessment(request.user, registration):
        raise PermissionDenied("Only the learner's assessor or the centre admin records the initial assessment.")
    current = InitialAssessment.objects.filter(registration=registration).first()
    initial = (
        {
            "english_level": current.english_level,
            "maths_level": current.maths_level,
            "prior_experience": current.prior_experience,
            "notes": current.notes,
            "assessed_on": current.assessed_on,
        }
        if current
        else {}
    )
    return change_record(
        request,
        registration,
        InitialAssessmentForm(request.POST or None, initial=initial),
        template="portfolio/registrations/initial_assessment.html",
        call=lambda data: initial_assessment.record_initial_assessment(
            actor=request.user, registration=registration, **data
        ),
        success=gettext("The initial assessment is recorded."),
    )
