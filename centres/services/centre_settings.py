"""A centre's own settings that its admins change."""

from django.db import transaction

from centres.models import Centre, record_event

from ._common import require_centre_admin


@transaction.atomic
def set_assessor_mfa(*, actor, centre: Centre, required: bool) -> Centre:
    """Whether the centre's assessors must use multi-factor authentication (its admins and IQAs always must)."""
    require_centre_admin(actor, centre)
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    if centre.require_mfa_for_assessors == required:
        return centre
    centre.require_mfa_for_assessors = required
    centre.save(update_fields=["require_mfa_for_assessors"])
    record_event(
        action="centre.assessor_mfa_required" if required else "centre.assessor_mfa_optional",
        obj=centre,
        actor=actor,
        centre=centre,
        summary=f"Two-factor authentication {'required' if required else 'no longer required'} for assessors",
        require_mfa_for_assessors=required,
    )
    return centre
