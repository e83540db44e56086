"""Registrations: the centre's learner list, registering learners (one at a time or from a CSV file), and a
registration's record with the centre admin's actions on it. Every object comes through a scoped lookup. The
modules of this package hold one page group each; the views the URLs name are re-exported here."""

from .bulk import registration_bulk, registration_bulk_confirm, registration_csv_template
from .changes import (
    registration_change_iqa,
    registration_change_tutor,
    registration_complete,
    registration_move,
    registration_withdraw,
)
from .detail import registration_detail, registration_identity, registration_initial_assessment
from .learner_list import registration_export, registration_list
from .register import combination_check, registration_create, registration_start

__all__ = [
    "combination_check",
    "registration_bulk",
    "registration_bulk_confirm",
    "registration_change_iqa",
    "registration_change_tutor",
    "registration_complete",
    "registration_create",
    "registration_csv_template",
    "registration_detail",
    "registration_export",
    "registration_identity",
    "registration_initial_assessment",
    "registration_list",
    "registration_move",
    "registration_start",
    "registration_withdraw",
]
