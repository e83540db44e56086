"""Who must use multi-factor authentication: the one place the rule is written."""

from ..access import access_profile
from ..models import Role

# Roles whose holders must always use MFA. EQAs (through their links to centres) and superusers must too.
MFA_ROLES = (Role.CENTRE_ADMIN, Role.IQA)


def mfa_required(user) -> bool:
    """True for superusers, centre admins, IQAs and EQAs, and for assessors at a centre that asks it of them."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = access_profile(user)
    if profile.eqa_centres:
        return True
    for membership in profile.memberships:
        if membership.user_id != user.pk:
            continue
        if membership.role in MFA_ROLES:
            return True
        if membership.role == Role.ASSESSOR and membership.centre.require_mfa_for_assessors:
            return True
    return False
