"""Personal interests of staff in learners, declared by a centre admin."""

from django.db import transaction
from django.utils.translation import gettext as _

from centres import hooks
from centres.models import Centre, Membership, PersonalInterest, User, record_event

from ._common import require_centre_admin
from .errors import StaffError


@transaction.atomic
def declare_personal_interest(*, actor, centre: Centre, staff: User, learner: User, description: str):
    """Record that a staff member has a personal interest in a learner: from now on they may not assess or
    quality-assure that learner. Returns the learner's active registrations where they already do, to move."""
    require_centre_admin(actor, centre)
    if not Membership.objects.active().filter(centre=centre, user=staff).exists():
        raise StaffError(_("%(staff)s does not work at %(centre)s.") % {"staff": staff, "centre": centre})
    if not User.objects.filter(hooks.learners_at(centre), pk=learner.pk).exists():
        raise StaffError(_("%(learner)s is not registered at %(centre)s.") % {"learner": learner, "centre": centre})
    if not description.strip():
        raise StaffError(_("Describe the interest."))
    if PersonalInterest.objects.declared(centre=centre, staff=staff, learner=learner).exists():
        raise StaffError(
            _("An interest of %(staff)s in %(learner)s is already recorded.") % {"staff": staff, "learner": learner}
        )
    interest = PersonalInterest.objects.create(
        centre=centre, staff=staff, learner=learner, description=description.strip()
    )
    record_event(
        action="interest.declared",
        obj=interest,
        actor=actor,
        centre=centre,
        summary=f"{staff} declared a personal interest in {learner}",
        staff=staff.email,
        learner=learner.email,
    )
    return [work for answer in hooks.work_with_learner.ask(centre, staff, learner) for work in answer]
