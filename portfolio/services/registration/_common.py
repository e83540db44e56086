"""Private helpers shared by the registration services."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils.translation import gettext as _

from centres import conflicts
from centres.access import has_role
from centres.models import Centre, Membership, Role, User
from portfolio.models import Registration
from portfolio.services import NotAllowed
from portfolio.services.staff import competence_problem
from qualifications.models import Qualification

from .errors import Errors, RegistrationError


def _add(errors: Errors, key: str | None, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _staff_problem(
    *, centre: Centre, user: User | None, role: str, learner: User | None, qualification: Qualification | None
) -> str | None:
    label = "assessor" if role == Role.ASSESSOR else "IQA"
    if user is None:
        return f"Choose the learner's {label}."
    if not Membership.objects.active().filter(centre=centre, user=user, role=role).exists():
        return f"{user} is not an active {label} at {centre}: choose one of the centre's {label}s."
    if learner is not None and learner.pk == user.pk:
        return f"Learners cannot be their own {label}."
    if learner is not None:
        problem = conflicts.interest_conflict(
            user,
            SimpleNamespace(centre_id=centre.pk, learner_id=learner.pk),
            conflicts.Act.ASSESS if role == Role.ASSESSOR else conflicts.Act.QUALITY_ASSURE,
            named=True,
        )
        if problem:
            return problem
    if qualification is not None:
        return competence_problem(centre=centre, user=user, qualification=qualification, role_label=label)
    return None


def _require_centre_admin(actor, centre: Centre) -> None:
    if not has_role(actor, Role.CENTRE_ADMIN, centre):
        raise NotAllowed(_("Only a centre admin at %(centre)s may do this.") % {"centre": centre})


def _require_active(registration: Registration) -> None:
    if registration.status != Registration.Status.ACTIVE:
        raise RegistrationError(
            _("This registration is %(lower)s; it cannot change.")
            % {"lower": registration.get_status_display().lower()}
        )


def _lock(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update()
        .select_related("centre", "learner", "assessor", "iqa", "qualification")
        .get(pk=registration.pk)
    )


def _identity_record(registration: Registration) -> dict | None:
    if registration.id_checked_on is None:
        return None
    return {
        "document": registration.id_document_type,
        "details": registration.id_details,
        "checked_by": registration.id_checked_by.email if registration.id_checked_by else None,
        "checked_on": registration.id_checked_on.isoformat(),
    }
