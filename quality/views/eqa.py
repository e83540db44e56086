"""EQA shares (a centre admin shares learners with an EQA for a period, and revokes), the EQA's read-only
pages (what was shared, the IQA plans and samples, the staff's credentials), comments, the EQS signature,
and the EQA pack (built in the background by tracking's job runner)."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.access import is_eqa
from centres.models import Membership, Role, User
from centres.services import cpd_warning
from centres.services import latest_cpd as latest_cpd_dates
from core.views import domain_errors_as_messages
from portfolio.access import active_eqa_share_items
from portfolio.models import (
    CountersignStatus,
    CriterionDecision,
    EqaShare,
    OccupationalCompetence,
    Registration,
    RegistrationUnit,
)
from qualifications.models import Unit
from tracking.jobs import enqueue
from tracking.models import ExportJob
from tracking.sheets import build_sheets

from ..access import (
    admin_centres,
    eqa_standardisation,
    get_centre_as_admin,
    get_registration_for_eqa,
    get_share_for_admin,
    get_share_for_pack,
    sample_in_scope,
)
from ..forms import CommentForm, ShareForm
from ..models import EqaComment, SampleRecord, SamplingPlan
from ..services.eqa import ShareItemInput, eqa_comment, eqa_sign, revoke_share, share_with_eqa

# --- Centre admin: shares ------------------------------------------------------------------------------------


@login_required
@require_GET
def share_list(request, centre_pk: int):
    centre = get_centre_as_admin(request.user, centre_pk)
    shares = (
        EqaShare.objects.filter(centre=centre)
        .select_related("eqa", "created_by")
        .annotate(learners=Count("items__registration", distinct=True))
        .order_by("-created_at")
    )
    return render(
        request, "quality/share_list.html", {"centre": centre, "shares": shares, "today": timezone.localdate()}
    )


def _share_form(centre, data=None):
    registrations = list(
        Registration.objects.filter(centre=centre)
        .exclude(status=Registration.Status.WITHDRAWN)
        .select_related("learner", "qualification")
        .order_by("learner__full_name", "pk")
    )
    plan_units = defaultdict(list)
    for entry in (
        RegistrationUnit.objects.filter(registration__in=registrations)
        .select_related("unit")
        .order_by("unit__reference")
    ):
        plan_units[entry.registration_id].append(entry.unit)
    eqas = User.objects.filter(eqa_links__centre=centre, eqa_links__is_active=True, is_active=True).order_by(
        "full_name"
    )
    return ShareForm(data, eqas=eqas, registrations=registrations, plan_units=plan_units)


@login_required
@require_http_methods(["GET", "POST"])
def share_create(request, centre_pk: int):
    centre = get_centre_as_admin(request.user, centre_pk)
    form = _share_form(centre, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registrations = Registration.objects.filter(centre=centre).in_bulk(
            {registration_id for registration_id, _ in data["parsed_items"]}
        )
        units = Unit.objects.in_bulk({unit_id for _, unit_id in data["parsed_items"] if unit_id})
        items = []
        for registration_id, unit_id in data["parsed_items"]:
            if registration_id not in registrations or (unit_id and unit_id not in units):
                raise Http404("No such learner at this centre.")
            items.append(ShareItemInput(registrations[registration_id], units.get(unit_id) if unit_id else None))
        with domain_errors_as_messages(request, form=form):
            share = share_with_eqa(
                actor=request.user,
                centre=centre,
                eqa=data["eqa"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                items=items,
                note=data["note"],
            )
            if share.reused:
                messages.info(
                    request,
                    (
                        gettext("This share with %(eqa)s was made a moment ago; it was not made a second time.")
                        % {"eqa": share.eqa}
                    ),
                )
            else:
                messages.success(
                    request,
                    (
                        gettext("Shared with %(eqa)s until %(ends_on)s.")
                        % {"eqa": share.eqa, "ends_on": f"{share.ends_on:%d %b %Y}"}
                    ),
                )
            return redirect("quality:share-detail", pk=share.pk)
    return render(request, "quality/share_form.html", {"centre": centre, "form": form})


@login_required
@require_GET
def share_detail(request, pk: int):
    share = get_share_for_admin(request.user, pk)
    items = list(share.items.select_related("registration__learner", "registration__qualification", "unit"))
    comments = list(
        EqaComment.objects.filter(share=share).select_related("registration__learner", "unit", "eqa").order_by("-at")
    )
    jobs = ExportJob.objects.filter(kind="eqa_pack", params__share_id=share.pk, created_by=request.user)[:5]
    return render(
        request,
        "quality/share_detail.html",
        {"share": share, "items": items, "comments": comments, "jobs": jobs},
    )


@login_required
@require_POST
def share_revoke(request, pk: int):
    share = get_share_for_admin(request.user, pk)
    with domain_errors_as_messages(request):
        revoke_share(actor=request.user, share=share)
        messages.success(request, (gettext("%(eqa)s can no longer see what was shared.") % {"eqa": share.eqa}))
    return redirect("quality:share-detail", pk=share.pk)


@login_required
@require_POST
def pack_request(request, pk: int):
    """Queue the EQA pack: a centre admin of the share's centre, or its EQA while the share is active."""
    share = get_share_for_pack(request.user, pk)
    if share.revoked_at is not None:
        messages.error(request, gettext("This share was revoked: there is nothing to pack."))
        return redirect("quality:share-detail", pk=share.pk)
    with domain_errors_as_messages(request):
        export_job = enqueue("eqa_pack", user=request.user, centre=share.centre, params={"share_id": share.pk})
        return redirect("tracking:job-status", pk=export_job.pk)
    if admin_centres(request.user).filter(pk=share.centre_id).exists():
        return redirect("quality:share-detail", pk=share.pk)
    return redirect("quality:eqa-home")


# --- The EQA's pages -----------------------------------------------------------------------------------------


def _require_eqa(user) -> None:
    if not is_eqa(user):
        raise PermissionDenied("These pages are for external quality assurers.")


@login_required
@require_GET
def eqa_home(request):
    """What is shared with the EQA today, the centres' IQA plans for those qualifications, and staff records."""
    _require_eqa(request.user)
    items = list(
        active_eqa_share_items(request.user)
        .select_related("share__centre", "registration__learner", "registration__qualification", "unit")
        .order_by("share__centre__name", "registration__learner__full_name", "unit__reference")
    )
    shares: dict[int, dict] = {}
    for item in items:
        entry = shares.setdefault(item.share_id, {"share": item.share, "registrations": {}})
        row = entry["registrations"].setdefault(item.registration_id, {"registration": item.registration, "units": []})
        if item.unit_id is None:
            row["whole"] = True
        else:
            row["units"].append(item.unit)
    pairs = {(item.share.centre_id, item.registration.qualification_id) for item in items}
    plans = []
    if pairs:
        condition = Q()
        for centre_id, qualification_id in pairs:
            condition |= Q(centre_id=centre_id, qualification_id=qualification_id)
        plans = list(
            SamplingPlan.objects.filter(condition)
            .select_related("centre", "qualification", "iqa")
            .order_by("centre__name", "-period_start")
        )
    centres = {item.share.centre_id: item.share.centre for item in items}
    standardisation = list(
        eqa_standardisation(request.user)
        .select_related("centre", "qualification", "unit")
        .order_by("centre__name", "-closed_at", "-pk")
    )
    return render(
        request,
        "quality/eqa_home.html",
        {
            "shares": [
                {"share": entry["share"], "registrations": list(entry["registrations"].values())}
                for entry in shares.values()
            ],
            "plans": plans,
            "centres": sorted(centres.values(), key=lambda centre: centre.name),
            "standardisation": standardisation,
        },
    )


@login_required
@require_GET
def eqa_registration(request, pk: int):
    view = get_registration_for_eqa(request.user, pk)
    registration = view.registration
    units = None if view.unit_ids is None else list(Unit.objects.filter(pk__in=view.unit_ids))
    sheets = build_sheets(registration, units)
    scope = {registration.pk: view.unit_ids}
    samples = [
        sample
        for sample in SampleRecord.objects.filter(registration=registration)
        .select_related("iqa", "assessor", "plan")
        .prefetch_related("units__unit")
        .order_by("-sampled_at")
        if sample_in_scope(scope, registration.pk, [sample_unit.unit_id for sample_unit in sample.units.all()])
    ]
    comments = list(
        EqaComment.objects.filter(registration=registration, eqa=request.user).select_related("unit").order_by("-at")
    )
    share_ids = set(
        active_eqa_share_items(request.user).filter(registration=registration).values_list("share_id", flat=True)
    )
    return render(
        request,
        "quality/eqa_registration.html",
        {
            "registration": registration,
            "sheets": sheets,
            "samples": samples,
            "comments": comments,
            "form": CommentForm(),
            "share_ids": sorted(share_ids),
        },
    )


def _eqa_unit(view, unit_pk: int) -> Unit:
    unit = get_object_or_404(
        Unit.objects.filter(pk__in=RegistrationUnit.objects.filter(registration=view.registration).values("unit_id")),
        pk=unit_pk,
    )
    if view.unit_ids is not None and unit.pk not in view.unit_ids:
        raise Http404("That unit is not shared with you.")
    return unit


@login_required
@require_POST
def eqa_comment_create(request, pk: int):
    view = get_registration_for_eqa(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Write your comment first."))
        return redirect("quality:eqa-registration", pk=pk)
    # Without a unit, the comment is on the learner as a whole (allowed on any share of them).
    unit = _eqa_unit(view, form.cleaned_data["unit"]) if form.cleaned_data.get("unit") else None
    with domain_errors_as_messages(request):
        eqa_comment(actor=request.user, registration=view.registration, unit=unit, text=form.cleaned_data["text"])
        messages.success(request, gettext("Your comment is saved; the centre sees it."))
    return redirect("quality:eqa-registration", pk=pk)


@login_required
@require_POST
def eqa_sign_unit(request, pk: int, unit_pk: int):
    view = get_registration_for_eqa(request.user, pk)
    unit = _eqa_unit(view, unit_pk)
    with domain_errors_as_messages(request):
        eqa_sign(actor=request.user, registration=view.registration, unit=unit)
        messages.success(
            request, (gettext("You signed the EQS line of %(reference)s.") % {"reference": unit.reference})
        )
    return redirect("quality:eqa-registration", pk=pk)


@login_required
@require_GET
def eqa_staff(request, centre_pk: int):
    """The credentials of the staff behind the shared learners: assessors, their countersignatories and IQAs,
    and how many of the shared learners' decisions were countersigned and by whom."""
    _require_eqa(request.user)
    registrations = list(
        Registration.objects.filter(
            pk__in=active_eqa_share_items(request.user).filter(share__centre_id=centre_pk).values("registration_id")
        ).select_related("centre")
    )
    if not registrations:
        raise Http404("Nothing at this centre is shared with you.")
    centre = registrations[0].centre
    people = {r.assessor_id for r in registrations} | {r.iqa_id for r in registrations}
    countersignatories = set(
        Membership.objects.active()
        .filter(centre=centre, role__in=[Role.ASSESSOR, Role.IQA], user_id__in=people, countersignatory__isnull=False)
        .values_list("countersignatory_id", flat=True)
    )
    memberships = list(
        Membership.objects.active()
        .filter(centre=centre, role__in=[Role.ASSESSOR, Role.IQA], user_id__in=people | countersignatories)
        .select_related("user", "countersignatory")
        .order_by("user__full_name", "role")
    )
    staff_ids = {membership.user_id for membership in memberships}
    qualification_ids = {registration.qualification_id for registration in registrations}
    competences: dict[int, list] = {}
    for competence in (
        OccupationalCompetence.objects.filter(
            centre=centre, user_id__in=staff_ids, qualification_id__in=qualification_ids
        )
        .select_related("qualification", "verified_by")
        .order_by("qualification__number")
    ):
        competences.setdefault(competence.user_id, []).append(competence)
    latest_cpd = latest_cpd_dates(centre, staff_ids)
    rows = [
        {
            "membership": membership,
            "competences": competences.get(membership.user_id, []),
            "latest_cpd": latest_cpd.get(membership.user_id),
            "cpd_warning": cpd_warning(centre, latest_cpd.get(membership.user_id)),
        }
        for membership in memberships
    ]
    countersigning = list(
        CriterionDecision.objects.filter(registration__in=registrations)
        .exclude(countersign_status=CountersignStatus.NOT_REQUIRED)
        .values("decided_by__full_name", "countersigned_by__full_name", "countersign_status")
        .annotate(n=Count("id"))
        .order_by("decided_by__full_name", "countersign_status")
    )
    return render(
        request,
        "quality/eqa_staff.html",
        {
            "centre": centre,
            "rows": rows,
            "countersigning": countersigning,
            "statuses": dict(CountersignStatus.choices),
        },
    )
