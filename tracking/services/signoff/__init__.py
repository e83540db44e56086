"""Signing a unit's tracking sheet off, and reopening it.

The order of signatures is learner, assessor, countersignatory (only where the assessor works towards
their assessing award), IQA (if they sample the unit), EQS (the EQA, if they sample it). Each signature
stores the SHA-256 of the sheet's content (tracking.selectors.sheet_content) at that moment.

Once the assessor signs, the unit's RegistrationUnit.locked_at is set: the portfolio services refuse
to change the evidence, links and decisions behind a locked unit until it is reopened.

Concurrency: each change locks the plan entry and the UnitSignOff row (select_for_update) inside one
transaction, and the database allows only one live signature per role (a partial unique constraint),
so two people signing at the same moment leave one signature and the other is told why.

One concern a module: checks (who may sign or reopen in which role and order, the errors and role labels),
signing (sign_unit, with the row locks and the next signer's notice) and reopening (reopen_unit). The names callers
use are re-exported here: this is the sign-off service the other apps call.
"""

from .checks import (
    ROLE_LABELS,
    SignOffError,
    SignOffNotAllowed,
    check_may_reopen,
    check_may_sign,
    check_reopener,
    check_signer,
    may_reopen,
    roles_user_may_sign,
    signing_roles,
)
from .reopening import reopen_unit
from .signing import sign_unit

__all__ = [
    "ROLE_LABELS",
    "SignOffError",
    "SignOffNotAllowed",
    "check_may_reopen",
    "check_may_sign",
    "check_reopener",
    "check_signer",
    "may_reopen",
    "reopen_unit",
    "roles_user_may_sign",
    "sign_unit",
    "signing_roles",
]
