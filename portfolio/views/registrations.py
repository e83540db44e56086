"""Registrations: the centre's learner list, registering learners (one at a time or from a CSV file), and a
registration's record with the centre admin's actions on it. Every object comes through a scoped lookup."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from centres.access import access_profile, centres_where, get_centre_for, has_role
from centres.models import Centre, Event, Invitation, Role
from centres.params import parse_id, parse_ids
from core.spreadsheets import SafeCsvWriter
from core.views import domain_errors_as_messages
from qualifications.models import Qualification, QualificationUnit, Unit
from qualifications.services.combination import check_combination
from qualifications.spec_rules import IDENTITY_RULES

from ..access import get_registration_for, registrations_for
from ..models import InitialAssessment, Registration
from ..progress import registration_progress
from ..registration_forms import (
    BulkUploadForm,
    ChangeIqaForm,
    ChangeTutorForm,
    CompleteForm,
    IdentityCheckForm,
    InitialAssessmentForm,
    MoveAssessorForm,
    RegistrationFilterForm,
    RegistrationForm,
    WithdrawForm,
    filter_staff_choices,
)
from ..services import AlreadyDone, initial_assessment
from ..services import registration as services
from ..services.adjustments import may_request_adjustment
from ..services.checks import is_learner as is_learner_of

PAGE_SIZE = 25
BULK_SESSION_KEY = "bulk-registration-csv"


def _require_admin_for(user, registration: Registration) -> None:
    if not has_role(user, Role.CENTRE_ADMIN, registration.centre):
        raise PermissionDenied("Only the centre admin may change a registration.")


# --- The learner list --------------------------------------------------------------------------------------


def _filtered_registrations(request):
    """The staff member's registrations at their centres, with the filters from the query string applied."""
    user = request.user
    roles_by_centre: dict[int, set[str]] = {}
    centres: dict[int, Centre] = {}
    for membership in access_profile(user).memberships:
        roles_by_centre.setdefault(membership.centre_id, set()).add(membership.role)
        centres[membership.centre_id] = membership.centre
    if not roles_by_centre:
        raise PermissionDenied("The learner list is for centre staff.")
    # Admins and IQAs see every registration at their centre: a plain (centre, status) filter, which the index
    # serves, instead of the whole access scope with its ORs (same rows).
    whole = [pk for pk, roles in roles_by_centre.items() if roles & {Role.CENTRE_ADMIN, Role.IQA}]
    partial = [pk for pk in roles_by_centre if pk not in whole]
    base = Registration.objects.filter(centre_id__in=whole)
    if partial:
        base = base | registrations_for(user).filter(centre_id__in=partial)
    staff = filter_staff_choices(roles_by_centre)
    form = RegistrationFilterForm(
        request.GET or None,
        centres=sorted(centres.values(), key=lambda centre: (centre.name, centre.pk)),
        qualifications=Qualification.objects.filter(Exists(base.filter(qualification=OuterRef("pk")))),
        assessors=staff[Role.ASSESSOR],
        iqas=staff[Role.IQA],
    )
    if (
        "centre" in request.GET
        and request.GET["centre"]
        and request.GET["centre"] not in {str(pk) for pk in roles_by_centre}
    ):
        raise Http404("No such centre.")
    registrations = base
    status = "active"
    if form.is_valid():
        data = form.cleaned_data
        status = data["status"] or "active"
        if data["centre"]:
            registrations = registrations.filter(centre=data["centre"])
        if data["qualification"]:
            registrations = registrations.filter(qualification=data["qualification"])
        if data["assessor"]:
            registrations = registrations.filter(assessor=data["assessor"])
        if data["iqa"]:
            registrations = registrations.filter(iqa=data["iqa"])
        if data["overdue"]:
            registrations = registrations.filter(planned_end_date__lt=timezone.localdate())
        if data["no_identity"]:
            registrations = registrations.filter(id_checked_on__isnull=True)
        if data["q"]:
            term = data["q"].strip()
            registrations = registrations.filter(
                Q(learner__full_name__icontains=term)
                | Q(learner__email__icontains=term)
                | Q(uln=term)
                | Q(awarding_body_registration_number__icontains=term)
            )
    if status != "all":
        registrations = registrations.filter(status=status)
    registrations = registrations.select_related(
        "centre", "learner", "qualification", "assessor", "iqa", "pathway"
    ).order_by("learner__full_name", "learner__email", "pk")
    return form, registrations


@login_required
def registration_list(request):
    form, registrations = _filtered_registrations(request)
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    progress = registration_progress(page.object_list)
    today = timezone.localdate()
    rows = [
        {
            "registration": registration,
            "progress": progress.get(registration.pk),
            "schedule": services.schedule_for(registration, progress.get(registration.pk), today),
        }
        for registration in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    # From the memberships already read for this request (with their centres), not another query.
    profile = access_profile(request.user)
    admin_centres = sorted(
        {m.centre_id: m.centre for m in profile.memberships if m.role == Role.CENTRE_ADMIN}.values(),
        key=lambda centre: (centre.name, centre.pk),
    )
    return render(
        request,
        "portfolio/registrations/registration_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "admin_centres": admin_centres,
            "several_centres": len(profile.centre_ids()) > 1,
        },
    )


@login_required
def registration_export(request):
    """The filtered learner list as CSV, for centre admins. Cells are made safe from spreadsheet formulas."""
    if not centres_where(request.user, Role.CENTRE_ADMIN).exists():
        raise PermissionDenied("Only centre admins export the learner list.")
    form, registrations = _filtered_registrations(request)
    registrations = registrations.filter(centre__in=centres_where(request.user, Role.CENTRE_ADMIN))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="learners.csv"'
    writer = SafeCsvWriter(response)
    writer.writerow(
        [
            "centre",
            "learner",
            "email",
            "uln",
            "qualification",
            "pathway",
            "assessor",
            "iqa",
            "start_date",
            "planned_end_date",
            "status",
            "criteria_met",
            "criteria_required",
        ]
    )
    for chunk_start in range(0, registrations.count(), 500):
        chunk = list(registrations[chunk_start : chunk_start + 500])
        progress = registration_progress(chunk)
        for registration in chunk:
            figures = progress[registration.pk]
            writer.writerow(
                [
                    registration.centre.name,
                    registration.learner.full_name,
                    registration.learner.email,
                    registration.uln,
                    registration.qualification.number,
                    registration.pathway.name if registration.pathway else "",
                    registration.assessor.email,
                    registration.iqa.email,
                    registration.start_date.isoformat(),
                    registration.planned_end_date.isoformat(),
                    registration.get_status_display(),
                    figures.met,
                    figures.required,
                ]
            )
    return response


# --- Registering -------------------------------------------------------------------------------------------


@login_required
def registration_start(request):
    """ "Register a learner": straight to the form when the admin has one centre, else choose the centre."""
    centres = list(centres_where(request.user, Role.CENTRE_ADMIN))
    if not centres:
        raise PermissionDenied("Only centre admins register learners.")
    if len(centres) == 1:
        return redirect("portfolio:registration-create", centre_id=centres[0].pk)
    return render(request, "portfolio/registrations/choose_centre.html", {"centres": centres})


def _qualifications():
    return Qualification.objects.select_related("awarding_body").order_by("awarding_body__name", "level", "title")


@login_required
def registration_create(request, centre_id: int):
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    qualification_value = request.POST.get("qualification") or request.GET.get("qualification")
    qualification_id = parse_id(qualification_value)
    qualification = _qualifications().filter(pk=qualification_id).first() if qualification_id is not None else None
    if qualification is None:
        if qualification_value:
            messages.error(request, f"“{qualification_value}” is not a qualification here: choose one from the list.")
        return render(
            request,
            "portfolio/registrations/choose_qualification.html",
            {"centre": centre, "qualifications": _qualifications()},
        )
    form = RegistrationForm(request.POST or None, centre=centre, qualification=qualification)
    combination = None
    warnings = []
    if request.method == "POST":
        combination = _combination(qualification, form.selected_unit_ids(), parse_id(request.POST.get("pathway")))
        if "check" not in request.POST and form.is_valid():
            with domain_errors_as_messages(request, form=form):
                try:
                    registration = services.register_learner(actor=request.user, centre=centre, data=form.to_input())
                except services.WarningsToAcknowledge as exc:  # not refused: shown, to be acknowledged
                    warnings = exc.warnings
                else:
                    invited = registration.learner.invitations.pending().exists()
                    messages.success(
                        request,
                        f"{registration.learner} is registered on {qualification.number}."
                        + (
                            f" An invitation to set a password was sent to {registration.learner.email}."
                            if invited
                            else ""
                        ),
                    )
                    return redirect("portfolio:registration-detail", pk=registration.pk)
    return render(
        request,
        "portfolio/registrations/registration_form.html",
        {
            "centre": centre,
            "qualification": qualification,
            "form": form,
            "combination": combination,
            "warnings": warnings,
            "advice": services.SIMILAR_QUALIFICATION_ADVICE,
            "advice_source": services.SIMILAR_QUALIFICATION_SOURCE,
        },
    )


def _combination(qualification, unit_ids: list[int], pathway_id: int | None):
    """Check the ticked units (only the qualification's own count) and pathway against the rules."""
    units = Unit.objects.filter(
        pk__in=QualificationUnit.objects.filter(qualification=qualification, unit_id__in=unit_ids).values("unit_id")
    )
    pathway = qualification.pathways.filter(pk=pathway_id).first() if pathway_id is not None else None
    return check_combination(qualification=qualification, units=units, pathway=pathway)


@login_required
def combination_check(request):
    """The rules-of-combination verdict for a choice of units, as an HTML fragment for the registration form."""
    if not centres_where(request.user, Role.CENTRE_ADMIN).exists():
        raise PermissionDenied("Only centre admins register learners.")
    qualification_id = parse_id(request.GET.get("qualification"))
    qualification = Qualification.objects.filter(pk=qualification_id).first() if qualification_id is not None else None
    if qualification is None:
        raise Http404("No such qualification.")
    unit_ids, refused = parse_ids(request.GET.getlist("optional_units"))
    pathway_value = request.GET.get("pathway", "")
    pathway_id = parse_id(pathway_value)
    if pathway_value and pathway_id is None:
        refused.append(pathway_value)
    if refused:
        return HttpResponseBadRequest(
            f"“{refused[0]}” is not a unit or pathway of this qualification: tick the choices on the form.",
            content_type="text/plain; charset=utf-8",
        )
    result = _combination(qualification, unit_ids, pathway_id)
    return render(
        request,
        "portfolio/registrations/_combination_result.html",
        {"combination": result, "qualification": qualification},
    )


# --- Bulk registration from CSV ----------------------------------------------------------------------------


@login_required
def registration_csv_template(request):
    if not centres_where(request.user, Role.CENTRE_ADMIN).exists():
        raise PermissionDenied("Only centre admins register learners.")
    response = HttpResponse(services.csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registrations-template.csv"'
    return response


@login_required
def registration_bulk(request, centre_id: int):
    """Upload a CSV file and see every row's problems; nothing is saved until the admin confirms."""
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form, field="file"):
            text = services.read_csv_upload(form.cleaned_data["file"])
            preview = services.parse_registration_csv(centre=centre, text=text)
            stored = request.session.get(BULK_SESSION_KEY, {})
            stored[str(centre.pk)] = text if preview.is_valid else None
            request.session[BULK_SESSION_KEY] = stored
    return render(request, "portfolio/registrations/bulk.html", _bulk_context(centre, form, preview))


def _bulk_context(centre, form, preview) -> dict:
    return {
        "centre": centre,
        "form": form,
        "preview": preview,
        "columns": services.CSV_COLUMNS,
        "advice": services.SIMILAR_QUALIFICATION_ADVICE,
        "advice_source": services.SIMILAR_QUALIFICATION_SOURCE,
    }


@login_required
@require_POST
def registration_bulk_confirm(request, centre_id: int):
    """Register every row of the previewed file, or none. The file is checked again before saving."""
    centre = get_centre_for(request.user, centre_id, Role.CENTRE_ADMIN)
    stored = request.session.get(BULK_SESSION_KEY, {})
    text = stored.get(str(centre.pk))
    if not text:
        messages.error(request, "Upload the file again: there is no checked file waiting to be registered.")
        return redirect("portfolio:registration-bulk", centre_id=centre.pk)
    with domain_errors_as_messages(request) as outcome:
        registrations = services.register_from_csv(
            actor=request.user,
            centre=centre,
            text=text,
            acknowledge_warnings=request.POST.get("acknowledge_warnings") == "on",
        )
    if not outcome.ok:
        preview = services.parse_registration_csv(centre=centre, text=text)
        return render(request, "portfolio/registrations/bulk.html", _bulk_context(centre, BulkUploadForm(), preview))
    stored[str(centre.pk)] = None
    request.session[BULK_SESSION_KEY] = stored
    messages.success(
        request,
        f"{len(registrations)} learner(s) registered. New learners were sent an invitation to set their password.",
    )
    return redirect(reverse("portfolio:registration-list") + f"?centre={centre.pk}")


# --- One registration --------------------------------------------------------------------------------------


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
        "events": Event.objects.filter(registration_id=registration.pk).select_related("actor").order_by("-at", "-id")
        if is_staff
        else [],
        "invitation": Invitation.objects.filter(user=registration.learner).order_by("-created_at").first()
        if is_admin
        else None,
    }
    return render(request, "portfolio/registrations/registration_detail.html", context)


def _admin_action(request, pk, form_class, template: str, call, success: str):
    registration = get_registration_for(request.user, pk)
    _require_admin_for(request.user, registration)
    kwargs = {"centre": registration.centre} if form_class not in (WithdrawForm, CompleteForm) else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form):
            call(registration, form.cleaned_data)
            messages.success(request, success)
            return redirect("portfolio:registration-detail", pk=registration.pk)
    return render(request, template, {"registration": registration, "form": form})


@login_required
def registration_move(request, pk: int):
    return _admin_action(
        request,
        pk,
        MoveAssessorForm,
        "portfolio/registrations/move.html",
        lambda registration, data: services.move_to_assessor(
            actor=request.user, registration=registration, assessor=data["assessor"], reason=data["reason"]
        ),
        "The learner has a new assessor.",
    )


@login_required
def registration_change_iqa(request, pk: int):
    return _admin_action(
        request,
        pk,
        ChangeIqaForm,
        "portfolio/registrations/change_iqa.html",
        lambda registration, data: services.change_iqa(
            actor=request.user, registration=registration, iqa=data["iqa"], reason=data["reason"]
        ),
        "The learner has a new IQA.",
    )


@login_required
def registration_change_tutor(request, pk: int):
    return _admin_action(
        request,
        pk,
        ChangeTutorForm,
        "portfolio/registrations/change_tutor.html",
        lambda registration, data: services.change_tutor(
            actor=request.user, registration=registration, tutor=data["tutor"], reason=data["reason"]
        ),
        "The learner's tutor is recorded.",
    )


@login_required
def registration_identity(request, pk: int):
    """The centre admin or the learner's assessor records how the learner's identity was confirmed."""
    registration = get_registration_for(request.user, pk)
    if not services.may_record_identity(request.user, registration):
        raise PermissionDenied("Only the centre admin or the learner's assessor may record the identity check.")
    form = IdentityCheckForm(request.POST or None, registration=registration)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with domain_errors_as_messages(request, form=form):
            try:
                services.record_identity_check(
                    actor=request.user,
                    registration=registration,
                    document_type=data["id_document_type"],
                    details=data["id_details"],
                    checked_by=data["id_checked_by"],
                    checked_on=data["id_checked_on"],
                )
            except AlreadyDone as exc:  # nothing changed: said, not refused
                messages.info(request, exc.message)
                return redirect("portfolio:registration-detail", pk=registration.pk)
            messages.success(request, "The identity check is recorded.")
            return redirect("portfolio:registration-detail", pk=registration.pk)
    _, quote = IDENTITY_RULES.get(registration.qualification.number, ((), ""))
    context = {"registration": registration, "form": form, "third_party_quote": quote}
    return render(request, "portfolio/registrations/identity.html", context)


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
    form = InitialAssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form):
            initial_assessment.record_initial_assessment(
                actor=request.user, registration=registration, **form.cleaned_data
            )
            messages.success(request, "The initial assessment is recorded.")
            return redirect("portfolio:registration-detail", pk=registration.pk)
    return render(
        request, "portfolio/registrations/initial_assessment.html", {"registration": registration, "form": form}
    )


@login_required
def registration_withdraw(request, pk: int):
    return _admin_action(
        request,
        pk,
        WithdrawForm,
        "portfolio/registrations/withdraw.html",
        lambda registration, data: services.withdraw_registration(
            actor=request.user, registration=registration, reason=data["reason"]
        ),
        "The registration is withdrawn. Its record and history are kept.",
    )


@login_required
def registration_complete(request, pk: int):
    return _admin_action(
        request,
        pk,
        CompleteForm,
        "portfolio/registrations/complete.html",
        lambda registration, data: services.complete_registration(
            actor=request.user, registration=registration, note=data["note"]
        ),
        "The registration is completed.",
    )
