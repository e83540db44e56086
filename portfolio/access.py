"""Scoped lookups: the one way views fetch registrations. Another centre's record is a 404, never a 403."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from centres.access import access_profile
from centres.models import Role
from core.compiled import CompiledRead

from .models import EqaShareItem, Evidence, EvidenceFile, EvidenceLink, Registration, RegistrationUnit


def active_eqa_share_items(user) -> QuerySet[EqaShareItem]:
    """Share items that the EQA may read today (linked to the centre, within the share's dates, not revoked)."""
    return _active_eqa_share_items(user.pk, timezone.localdate())


def _active_eqa_share_items(user_id: int, today) -> QuerySet[EqaShareItem]:
    return EqaShareItem.objects.filter(
        share__eqa_id=user_id,
        share__revoked_at__isnull=True,
        share__starts_on__lte=today,
        share__ends_on__gte=today,
        share__centre__eqa_links__user_id=user_id,
        share__centre__eqa_links__is_active=True,
    )


def _learner_and_staff_scope(user) -> Q:
    """Registrations the user may open: their own; their centres' as admin or IQA; their learners as assessor;
    their trainees' learners as countersignatory. Written with the ids of their roles (read once per request),
    so the database gets a plain filter to plan."""
    return _scope(**_scope_ids(user))


def _scope_ids(user) -> dict:
    profile = access_profile(user)
    return {
        "user_id": user.pk,
        "whole_centre": profile.centre_ids(Role.CENTRE_ADMIN, Role.IQA),
        "assessing": profile.centre_ids(Role.ASSESSOR),
        "trainee_ids": [trainee_id for trainee_id, _ in profile.supervised],
        "trainee_centre_ids": [centre_id for _, centre_id in profile.supervised],
    }


def _scope(*, user_id: int, whole_centre, assessing, trainee_ids, trainee_centre_ids) -> Q:
    scope = Q(learner_id=user_id)
    if whole_centre:
        scope |= Q(centre_id__in=whole_centre)
    if assessing:
        scope |= Q(assessor_id=user_id, centre_id__in=assessing)
    for trainee_id, centre_id in zip(trainee_ids, trainee_centre_ids, strict=True):
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


def get_registration_for(
    user, pk, *, with_assessor_membership: bool = False, unit_on_plan: int | None = None
) -> Registration:
    """The registration, if the user may open it (else 404), with the assessor's membership when asked (for
    sign-off: Registration.objects.with_assessor_membership) and, given a unit, `unit_on_plan`: whether it is on
    the registration's plan. In one query, whose SQL is built once per shape of the user's roles (core.compiled)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No registration matches the given query.")
    ids = {"pk": int(pk), **_scope_ids(user)}
    eqa = bool(access_profile(user).eqa_centres)
    if eqa:
        ids["today"] = timezone.localdate()
    if unit_on_plan is not None:
        ids["unit_id"] = int(unit_on_plan)
    found = _registration_for(with_assessor_membership, eqa, **ids)
    if not found:
        raise Http404("No registration matches the given query.")
    return found[0]


def _registration_for_query(with_assessor_membership: bool, eqa: bool, *, pk, today=None, unit_id=None, **scope_ids):
    scope = _scope(**scope_ids)
    if eqa:
        scope |= Q(pk__in=_active_eqa_share_items(scope_ids["user_id"], today).values("registration_id"))
    registrations = Registration.objects.filter(scope, pk=pk)
    if with_assessor_membership:
        registrations = registrations.with_assessor_membership()
    if unit_id is not None:
        on_plan = RegistrationUnit.objects.filter(registration=OuterRef("pk"), unit_id=unit_id)
        registrations = registrations.annotate(unit_on_plan=Exists(on_plan))
    return registrations.select_related("centre", "learner", "qualification", "assessor", "iqa", "tutor", "pathway")


_registration_for = CompiledRead(_registration_for_query)


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
    eqa, ids = _evidence_scope_ids(user)
    return Evidence.objects.filter(_evidence_scope(eqa, **ids))


def _evidence_scope_ids(user) -> tuple[bool, dict]:
    ids = _scope_ids(user)
    eqa = bool(access_profile(user).eqa_centres)
    if eqa:
        ids["today"] = timezone.localdate()
    return eqa, ids


def _evidence_scope(eqa: bool, *, today=None, **scope_ids) -> Q:
    portfolios = Registration.objects.filter(_scope(**scope_ids)).values("pk")
    if not eqa:
        return Q(registration_id__in=portfolios)
    items = _active_eqa_share_items(scope_ids["user_id"], today)
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
    return Q(registration_id__in=portfolios) | shared


def get_evidence_for(user, pk) -> Evidence:
    """The evidence, if the user may read it (else 404), with its registration's people and qualification, in one
    query whose SQL is built once per shape of the user's roles (core.compiled)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No evidence matches the given query.")
    eqa, ids = _evidence_scope_ids(user)
    found = _evidence_for(eqa, pk=int(pk), **ids)
    if not found:
        raise Http404("No evidence matches the given query.")
    return found[0]


_evidence_for = CompiledRead(
    lambda eqa, *, pk, **ids: Evidence.objects.filter(_evidence_scope(eqa, **ids), pk=pk).select_related(
        "registration__centre",
        "registration__learner",
        "registration__qualification",
        "registration__assessor",
        "registration__pathway",
        "author",
        "withdrawn_by",
        "supersedes",
    )
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
