"""Checks that several portfolio services share: who may act on a registration, which criteria are on the
learner's plan, and whether a unit is signed off (locked)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from centres.access import membership_for
from centres.models import Membership, Role
from portfolio.models import Evidence, Registration, RegistrationUnit
from qualifications.models import AssessmentCriterion

from . import IdentityNotConfirmed, NotAllowed, PortfolioError, UnitLocked


def is_learner(user, registration: Registration) -> bool:
    return user.is_authenticated and registration.learner_id == user.pk


def assessor_membership(user, registration: Registration) -> Membership | None:
    """The user's active assessor membership at the registration's centre, if they are its assessor."""
    if not user.is_authenticated or registration.assessor_id != user.pk:
        return None
    return membership_for(user, registration.centre_id, Role.ASSESSOR)


def is_assessor(user, registration: Registration) -> bool:
    return assessor_membership(user, registration) is not None


def can_add_evidence(user, registration: Registration) -> bool:
    return is_learner(user, registration) or is_assessor(user, registration)


def can_edit_evidence(user, evidence: Evidence) -> bool:
    """The learner edits their own evidence; the assessor edits the records they (or a former assessor) made;
    either may link a witness testimony to criteria."""
    registration = evidence.registration
    if evidence.author_id is None:
        return can_add_evidence(user, registration)
    if evidence.author_id == registration.learner_id:
        return is_learner(user, registration)
    return is_assessor(user, registration)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)


def require_active(registration: Registration) -> None:
    if registration.status != Registration.Status.ACTIVE:
        raise PortfolioError(
            _("This registration is %(lower)s; its portfolio can no longer change.")
            % {"lower": registration.get_status_display().lower()}
        )


def require_identity_confirmed(registration: Registration, doing: str = "marking criteria met") -> None:
    """The specifications ask centres to check each learner's identity before assessment."""
    if not registration.identity_confirmed:
        raise IdentityNotConfirmed(registration, doing)


def allowed_criteria(registration: Registration) -> dict[int, AssessmentCriterion]:
    """The criteria that count for this learner: those of the units on their plan, on their pathway."""
    unit_ids = RegistrationUnit.objects.filter(registration=registration).values("unit_id")
    criteria = (
        AssessmentCriterion.objects.filter(unit_id__in=unit_ids)
        .for_pathway(registration.pathway)
        .select_related("unit", "learning_outcome")
    )
    return {criterion.pk: criterion for criterion in criteria}


def criteria_on_plan(registration: Registration, ids: Iterable) -> list[AssessmentCriterion]:
    """The criteria with these ids, all of which must be on the learner's plan and pathway."""
    allowed = allowed_criteria(registration)
    result = []
    for raw in ids:
        try:
            criterion = allowed[int(raw)]
        except (KeyError, TypeError, ValueError):
            raise PortfolioError(
                _("One of the chosen criteria is not on this learner's plan; nothing was changed.")
            ) from None
        result.append(criterion)
    return result


def require_unlocked(registration: Registration, unit_ids: Iterable[int]) -> None:
    """Refuse any change touching a unit that is signed off. The plan rows are locked until the transaction ends,
    so a sign-off cannot slip in between this check and the change."""
    unit_ids = set(unit_ids)
    if not unit_ids:
        return
    entries = (
        RegistrationUnit.objects.select_for_update(of=("self",))
        .filter(registration=registration, unit_id__in=unit_ids)
        .select_related("unit")
        .order_by("unit__reference")
    )
    for entry in entries:
        if entry.locked_at is not None:
            raise UnitLocked(entry.unit)


def evidence_unit_ids(evidence: Evidence) -> set[int]:
    return set(evidence.links.values_list("criterion__unit_id", flat=True))
