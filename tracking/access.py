"""Scoped lookups for tracking sheets: which registration and unit a user may read, and how much of it."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from centres.access import access_profile
from centres.models import Role
from portfolio.access import active_eqa_share_items, get_registration_for, portfolios_for
from portfolio.models import Registration, RegistrationUnit
from qualifications.cache import catalogue
from qualifications.models import Unit

from .models import CarriedOverUnit


def sees_only_through_share(user, registration: Registration) -> bool:
    """True when the user reads this registration only as an EQA it was shared with (so only the shared units)."""
    if registration.learner_id == user.pk:
        return False
    profile = access_profile(user)
    if registration.centre_id in profile.centre_ids(Role.CENTRE_ADMIN, Role.IQA):
        return False
    if registration.centre_id in profile.centre_ids(Role.ASSESSOR):
        if registration.assessor_id == user.pk:
            return False
        if (registration.assessor_id, registration.centre_id) in profile.supervised:
            return False
    return True


def visible_unit_ids(user, registration: Registration) -> list[int]:
    """The units of the learner's plan that the user may read: all of them, or an EQA's shared ones."""
    plan = RegistrationUnit.objects.filter(registration=registration)
    if sees_only_through_share(user, registration):
        items = active_eqa_share_items(user).filter(registration=registration)
        if not items.filter(unit__isnull=True).exists():
            plan = plan.filter(unit_id__in=items.values("unit_id"))
    return list(plan.values_list("unit_id", flat=True))


def get_sheet_for(user, registration_pk, unit_pk) -> tuple[Registration, Unit]:
    """The registration and unit of a tracking sheet the user may read; 404 otherwise (another centre's
    learner, a unit not on the plan, or a unit not shared with an EQA)."""
    registration = get_registration_for(user, registration_pk, with_assessor_membership=True, unit_on_plan=unit_pk)
    if not registration.unit_on_plan:
        raise Http404("That unit is not on this learner's plan.")
    unit = catalogue().unit_in(registration.qualification_id, int(unit_pk))  # held in memory, read-only
    if sees_only_through_share(user, registration):
        shared = (
            active_eqa_share_items(user).filter(registration=registration).filter(Q(unit__isnull=True) | Q(unit=unit))
        )
        if not shared.exists():
            raise Http404("That unit has not been shared with you.")
    return registration, unit


def get_carry_for(user, pk):
    """A carried-over unit of a registration whose portfolio the user may open (404 otherwise)."""
    return get_object_or_404(
        CarriedOverUnit.objects.filter(registration__in=portfolios_for(user)).select_related(
            "registration__centre", "unit"
        ),
        pk=pk,
    )
