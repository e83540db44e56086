"""A centre admin's items: identity checks not yet recorded."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from centres.models import Role
from core.compiled import CompiledRead
from portfolio.models import Registration

from .items import LIMIT, WaitingItem

# SQL built once per process (core.compiled).
_awaiting_identity = CompiledRead(
    lambda limit, centre_ids: (
        Registration.objects.awaiting_identity_check()
        .filter(centre_id__in=centre_ids)
        .select_related("learner")
        .order_by("start_date", "pk")[:limit]
    )
)


def admin_registrations(user, roles) -> list[WaitingItem]:
    """Registrations waiting for the centre admin: an identity check not yet recorded."""
    centres = roles.get(Role.CENTRE_ADMIN, [])
    if not centres:
        return []
    waiting = _awaiting_identity(LIMIT + 1, centre_ids=[centre.pk for centre in centres])
    see_all = reverse("dashboard:centre-learners", args=[centres[0].pk]) if len(centres) == 1 else ""
    return [
        WaitingItem(
            since=registration.start_date,
            text=_("Check the identity of %(learner)s") % {"learner": registration.learner.full_name},
            url=reverse("portfolio:registration-detail", args=[registration.pk]),
            see_all_url=see_all,
            see_all_text=_("Learners") if see_all else "",
        )
        for registration in waiting
    ]
