"""The centre's learner list, filtered, paged and exported as CSV."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from centres.access import access_profile, centres_where
from centres.models import Centre, Role
from core.compiled import CompiledCount, CompiledRead
from core.spreadsheets import SafeCsvWriter
from portfolio.access import registrations_for
from portfolio.learner_list_forms import RegistrationFilterForm, filter_staff_choices
from portfolio.models import Registration
from portfolio.progress import registration_progress
from portfolio.services import registration as services
from qualifications.models import Qualification

PAGE_SIZE = 25


_WITH = ("centre", "learner", "qualification", "assessor", "iqa", "pathway")
_ORDER = ("learner__full_name", "learner__email", "pk")


def _active_at(centre_ids):
    return Registration.objects.filter(centre_id__in=centre_ids, status=Registration.Status.ACTIVE)


# The list as most visits ask for it (no filter chosen: every active learner at the centres where the person is an
# admin or IQA), its count and each page read with SQL built once per process (core.compiled). A page's bounds
# are constants of its SQL, so each page number read keeps a shape of its own (at most 64 kept).
_active_page = CompiledRead(
    lambda start, stop, centre_ids: _active_at(centre_ids).select_related(*_WITH).order_by(*_ORDER)[start:stop]
)
_active_count = CompiledCount(_active_at)


class _ActiveAtCentres:
    """What the Paginator asks of the unfiltered list: how many, and a slice of them in the list's order."""

    ordered = True

    def __init__(self, centre_ids: list[int]):
        self.centre_ids = sorted(centre_ids)

    def count(self) -> int:
        return _active_count(centre_ids=self.centre_ids)

    def __getitem__(self, page: slice) -> list[Registration]:
        # Read as a full page (the last page's end is the count, which moves): one shape per page number.
        rows = _active_page(page.start, page.start + PAGE_SIZE, centre_ids=self.centre_ids)
        return rows[: page.stop - page.start]


def _filtered_registrations(request):
    """The staff member's registrations at their centres, with the filters from the query string applied; and
    whether the list is the unfiltered one (no filter chosen, every registration of the person's centres seen
    whole), as the ids of those centres, else None."""
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
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        status = data["status"] or "active"
        filtered = any(data[name] for name in data if name != "status")
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
    ).order_by(*_ORDER)
    unfiltered = whole if not (partial or filtered) and status == "active" else None
    return form, registrations, unfiltered


@login_required
def registration_list(request):
    form, registrations, unfiltered = _filtered_registrations(request)
    listed = _ActiveAtCentres(unfiltered) if unfiltered is not None else registrations
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
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
    form, registrations, _ = _filtered_registrations(request)
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
