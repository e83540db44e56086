"""Occupational competence of assessors and IQAs per qualification: recorded and verified by the centre admin.
Nobody is made a learner's assessor or IQA for a qualification they are not recorded competent for
(see `competence_problem`, asked by the registration services)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import Centre, Membership, Role, User, record_event
from centres.services import NotAllowed, StaffError, require_centre_admin
from portfolio.models import OccupationalCompetence

ASSESSING_ROLES = (Role.ASSESSOR, Role.IQA)

__all__ = ["NotAllowed", "StaffError", "competence_problem", "record_competence", "verify_competence"]


def _require_assessing_staff(*, centre: Centre, user: User) -> None:
    if not Membership.objects.active().filter(centre=centre, user=user, role__in=ASSESSING_ROLES).exists():
        raise StaffError(_("%(user)s is not an assessor or IQA at %(centre)s.") % {"user": user, "centre": centre})


def competence_problem(*, centre: Centre, user: User, qualification, role_label: str) -> str | None:
    """Why `user` may not assess or quality-assure `qualification` at `centre` (None if they may): nobody is
    assigned to a qualification they are not recorded occupationally competent for."""
    if OccupationalCompetence.objects.covering(centre=centre, user=user, qualification=qualification).exists():
        return None
    return (
        f"{user} is not recorded as occupationally competent for {qualification.number} {qualification.title}: "
        f"record their competence on their staff page before making them the learner's {role_label}."
    )


@transaction.atomic
def record_competence(
    *, actor, centre: Centre, user: User, qualification, sector_experience: str, evidence: str
) -> OccupationalCompetence:
    """Record (or correct) a staff member's occupational competence for a qualification. A correction needs
    verifying again: the verification was of what was recorded before."""
    require_centre_admin(actor, centre)
    _require_assessing_staff(centre=centre, user=user)
    if qualification is None:
        raise StaffError(_("Choose the qualification."))
    sector_experience, evidence = sector_experience.strip(), evidence.strip()
    if not sector_experience:
        raise StaffError(_("Describe their experience in the sector."))
    if not evidence:
        raise StaffError(_("Say what evidence of that experience the centre holds (CV, certificates, references)."))
    competence = (
        OccupationalCompetence.objects.select_for_update()
        .filter(centre=centre, user=user, qualification=qualification)
        .first()
    )
    if competence is None:
        competence = OccupationalCompetence.objects.create(
            centre=centre,
            user=user,
            qualification=qualification,
            sector_experience=sector_experience,
            evidence=evidence,
            recorded_by=actor,
        )
        action, changes = "competence.recorded", {}
    else:
        before = {"sector_experience": competence.sector_experience, "evidence": competence.evidence}
        after = {"sector_experience": sector_experience, "evidence": evidence}
        if before == after:
            raise StaffError(_("Nothing changed."))
        changes = {key: {"from": before[key], "to": after[key]} for key in before if before[key] != after[key]}
        if competence.verified_by_id is not None:
            changes["verified_by"] = {"from": competence.verified_by.email, "to": None}
        competence.sector_experience, competence.evidence = sector_experience, evidence
        competence.verified_by, competence.verified_on = None, None
        competence.recorded_by, competence.recorded_at = actor, timezone.now()
        competence.save()
        action = "competence.updated"
    record_event(
        action=action,
        obj=competence,
        actor=actor,
        centre=centre,
        summary=f"{user}'s occupational competence for {qualification.number} "
        + ("recorded" if action == "competence.recorded" else "corrected (to be verified again)"),
        email=user.email,
        qualification=qualification.number,
        sector_experience=sector_experience,
        evidence=evidence,
        changes=changes,
    )
    return competence


@transaction.atomic
def verify_competence(*, actor, competence: OccupationalCompetence) -> OccupationalCompetence:
    """The centre admin confirms they have seen the evidence of a colleague's occupational competence."""
    require_centre_admin(actor, competence.centre)
    competence = OccupationalCompetence.objects.select_for_update().get(pk=competence.pk)
    if competence.user_id == actor.pk:
        raise StaffError(_("Nobody verifies their own occupational competence: ask another centre admin."))
    if competence.verified_by_id is not None:
        raise StaffError(
            _("This competence was already verified by %(verified_by)s.") % {"verified_by": competence.verified_by}
        )
    competence.verified_by, competence.verified_on = actor, timezone.localdate()
    competence.save(update_fields=["verified_by", "verified_on"])
    record_event(
        action="competence.verified",
        obj=competence,
        actor=actor,
        centre=competence.centre,
        summary=f"{competence.user}'s occupational competence for {competence.qualification.number} verified",
        email=competence.user.email,
        qualification=competence.qualification.number,
    )
    return competence
