"""Rules for people at centres: staff memberships and credentials, invitations, and accounts.

Each service takes the acting user, checks the rule, writes an Event and raises a CentresError subclass
with a message fit to show the user.

The modules of this package hold one concern each: invitations, staff (roles and credentials), centre_settings,
accounts, interests and cpd; the errors in errors, the helpers they share in _common. The names callers use are
re-exported here.
"""

from ._common import normalise_email, require_centre_admin
from .accounts import set_account_active
from .centre_settings import set_assessor_mfa
from .cpd import MAX_CPD_HOURS, add_cpd_entry, cpd_cutoff, cpd_warning, latest_cpd
from .errors import CentresError, InvitationError, NotAllowed, StaffError
from .interests import declare_personal_interest
from .invitations import accept_invitation, get_invitation, invitation_url, invite_user
from .staff import (
    CREDENTIAL_FIELDS,
    Credential,
    add_staff_member,
    check_credential_change,
    end_membership,
    update_staff_credential,
)

__all__ = [
    "CREDENTIAL_FIELDS",
    "MAX_CPD_HOURS",
    "CentresError",
    "Credential",
    "InvitationError",
    "NotAllowed",
    "StaffError",
    "accept_invitation",
    "add_cpd_entry",
    "add_staff_member",
    "check_credential_change",
    "cpd_cutoff",
    "cpd_warning",
    "declare_personal_interest",
    "end_membership",
    "get_invitation",
    "invitation_url",
    "invite_user",
    "latest_cpd",
    "normalise_email",
    "require_centre_admin",
    "set_account_active",
    "set_assessor_mfa",
    "update_staff_credential",
]
