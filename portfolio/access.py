"""Scoped lookups: the one way views fetch registrations. Another centre's record is a 404, never a 403."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from centres.access import access_profile
from centres.models import Role

from .models import EqaShareItem, Evidence, EvidenceFile, EvidenceLink, Registration


def active_eqa_share_items(user) -> QuerySet[EqaShareItem]:
    """Share items that the EQA may read today (linked to the centre, within the share's dates, not revoked)."""
    today = timezone.localdate()
    return EqaShareItem.objects.filter(
        share__eqa=user,
        share__revoked_at__isnull=True,
        share__starts_on__lte=today,
        share__ends_on__gte=today,
        share__centre__eqa_links__user=user,
        share__centre__eqa_links__is_active=True,
    )


def _learner_and_staff_scope(user) -> Q:
    """Registrations the user may open: their own; their centres' as admin or IQA; their learners as assessor;
    their trainees' learners as countersignatory. Written with the ids of their roles (read once per request),
    so the database gets a plain filter to plan."""
    profile = access_profile(user)
    scope = Q(learner=user)
    whole_centre = profile.centre_ids(Role.CENTRE_ADMIN, Role.IQA)
    if whole_centre:
        scope |= Q(centre_id__in=whole_centre)
    assessing = profile.centre_ids(Role.ASSESSOR)
    if assessing:
        scope |= Q(assessor=user, centre_id__in=assessing)
    for trainee_id, centre_id in profile.supervised:
        scope |= Q(assessor_id=trainee_id, centre_id=centre_id)
    return scope


def registrations_for(user) -> QuerySet[Registration]:
    """Every registration the user may see: their own as a learner; their learners as assessor or
    countersignatory; the centre's as IQA or centre admin; what was shared with them as EQA."""
    if not user.is_authenticated or not user.is_active:
        return Registration.objects.none()
    scope = _learner_and_staff_scope(user)
    if access_profile(user).eqa_centres:
        scope |= Q(pk__in=active_eqa_share_items(user).values("registration_id"))
    return Registration.objects.filter(scope)


def portfolios_for(user) -> QuerySet[Registration]:
    """Registrations whose whole portfolio the user may open: as the learner or as centre staff in scope
    (an EQA reads only what was shared, through evidence_for)."""
    if not user.is_authenticated or not user.is_active:
        return Registration.objects.none()
    return Registration.objects.filter(_learner_and_staff_scope(user))


def get_registration_for(user, pk, *, with_assessor_membership: bool = False, **annotations) -> Registration:
    """The registration, if the user may open it (else 404), with any annotations the caller asks for read in
    the same query (and the assessor's membership, for sign-off: Registration.objects.with_assessor_membership)."""
    registrations = registrations_for(user)
    if with_assessor_membership:
        registrations = registrations.with_assessor_membership()
    return get_object_or_404(
        registrations.select_related(
            "centre", "learner", "qualification", "assessor", "iqa", "tutor", "pathway"
        ).annotate(**annotations),
        pk=pk,
    )


def get_portfolio_for(user, pk) -> Registration:
    return get_object_or_404(
        portfolios_for(user).select_related("centre", "learner", "qualification", "assessor", "iqa", "pathway"),
        pk=pk,
    )


def evidence_for(user) -> QuerySet[Evidence]:
    """Evidence the user may read: everything in the portfolios they may open, and for an EQA the submitted
    evidence of what was shared with them (the whole registration, or evidence linked to a shared unit)."""
    if not user.is_authenticated or not user.is_active:
        return Evidence.objects.none()
    portfolios = Registration.objects.filter(_learner_and_staff_scope(user)).values("pk")
    if not access_profile(user).eqa_centres:
        return Evidence.objects.filter(registration_id__in=portfolios)
    items = active_eqa_share_items(user)
    shared_unit = Exists(
        EvidenceLink.objects.filter(
            evidence=OuterRef("pk"),
            criterion__unit_id__in=items.filter(registration_id=OuterRef(OuterRef("registration_id"))).values(
                "unit_id"
            ),
        )
    )
    shared = (Q(registration_id__in=items.filter(unit__isnull=True).values("registration_id")) | Q(shared_unit)) & ~Q(
        status=Evidence.Status.DRAFT
    )
    return Evidence.objects.filter(Q(registration_id__in=portfolios) | shared)


def get_evidence_for(user, pk) -> Evidence:
    return get_object_or_404(
        evidence_for(user).select_related(
            "registration__centre",
            "registration__learner",
            "registration__qualification",
            "registration__assessor",
            "registration__pathway",
            "author",
            "withdrawn_by",
            "supersedes",
        ),
        pk=pk,
    )


def get_evidence_file_for(user, pk) -> EvidenceFile:
    return get_object_or_404(
        EvidenceFile.objects.filter(evidence__in=evidence_for(user).values("pk")).select_related(
            "evidence__registration"
        ),
        pk=pk,
    )


def eqa_can_see_unit(user, registration: Registration, unit) -> bool:
    if not access_profile(user).eqa_centres:
        return False  # shares reach only an EQA linked to the centre
    items = active_eqa_share_items(user).filter(registration=registration)
    return items.filter(Q(unit__isnull=True) | Q(unit=unit)).exists()
