"""Who may export a registration's portable portfolio: the learner (their own, at any time) and the centre admins
of the registration's centre. Others who can see the registration get 403; anyone else 404 (get_registration_for)."""

from centres.access import has_role
from centres.models import Role


def may_export(user, registration) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return registration.learner_id == user.pk or has_role(user, Role.CENTRE_ADMIN, registration.centre)
