"""Who may run a qualification's standardisation at a centre, which assessors take part and what evidence may be set."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Centre, Role, User
from portfolio.models import Evidence, Registration
from qualifications.models import Qualification

from ...models import SamplingPlan
from ..errors import NotAllowed


def is_qualification_iqa(user, centre: Centre, qualification: Qualification) -> bool:
    """An IQA of the centre who quality-assures this qualification there: they hold a sampling plan for it, or are
    the IQA of one of its learners at the centre."""
    if not has_role(user, Role.IQA, centre):
        return False
    return (
        SamplingPlan.objects.filter(centre=centre, qualification=qualification, iqa=user).exists()
        or Registration.objects.filter(centre=centre, qualification=qualification, iqa=user).exists()
    )


def require_qualification_iqa(actor, centre: Centre, qualification: Qualification) -> None:
    if not is_qualification_iqa(actor, centre, qualification):
        raise NotAllowed(
            _("Only an IQA of %(number)s at %(centre)s may run its standardisation.")
            % {"number": qualification.number, "centre": centre}
        )


def qualification_assessors(centre: Centre, qualification: Qualification) -> QuerySet[User]:
    """The assessors of a qualification at a centre: active assessors there with a current learner on it."""
    learners = Registration.objects.filter(centre=centre, qualification=qualification).exclude(
        status=Registration.Status.WITHDRAWN
    )
    return (
        User.objects.filter(
            is_active=True,
            memberships__centre=centre,
            memberships__role=Role.ASSESSOR,
            memberships__is_active=True,
            pk__in=learners.values("assessor_id"),
        )
        .distinct()
        .order_by("full_name", "email")
    )


def evidence_to_standardise(centre: Centre, qualification: Qualification) -> QuerySet[Evidence]:
    """Submitted, current evidence of the centre's learners on the qualification: what an activity may set."""
    return (
        Evidence.objects.current()
        .filter(
            registration__centre=centre,
            registration__qualification=qualification,
            status=Evidence.Status.SUBMITTED,
        )
        .select_related("registration__learner")
        .order_by("registration__learner__full_name", "reference")
    )
