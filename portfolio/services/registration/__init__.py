"""Registering learners on qualifications, singly or from a CSV file, and what happens to a registration after:
moved to another assessor or IQA, identity checked, withdrawn or completed. Nothing is ever deleted.

Every service takes the acting user, checks the rules, writes an Event and raises RegistrationError, whose
`errors` maps a form field (or None for the whole form) to messages fit to show a centre admin. The modules of
this package hold one concern each; the names callers use are re-exported here."""

from .bulk_csv import CsvPreview, CsvProblem, CsvRow, parse_registration_csv, register_from_csv
from .checks import (
    ID_DETAILS_MAX,
    RegistrationInput,
    age_on,
    identity_choices,
    identity_problems,
    registration_problems,
    uln_problem,
)
from .create import register_learner
from .csv_file import (
    CSV_COLUMNS,
    CSV_HEADER,
    FIELD_COLUMNS,
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    csv_template,
    decode_csv,
    read_csv_upload,
)
from .dates import change_dates
from .errors import Errors, RegistrationError, WarningsToAcknowledge
from .identity import may_record_identity, record_identity_check
from .lifecycle import complete_registration, withdraw_registration
from .schedule import BEHIND_MARGIN, Schedule, attention_filter, schedule_for
from .similar import (
    SIMILAR_QUALIFICATION_ADVICE,
    SIMILAR_QUALIFICATION_SOURCE,
    SimilarQualification,
    similar_qualifications,
)
from .staff_changes import change_iqa, change_tutor, move_to_assessor

__all__ = [
    "BEHIND_MARGIN",
    "CSV_COLUMNS",
    "CSV_HEADER",
    "FIELD_COLUMNS",
    "ID_DETAILS_MAX",
    "MAX_CSV_BYTES",
    "MAX_CSV_ROWS",
    "SIMILAR_QUALIFICATION_ADVICE",
    "SIMILAR_QUALIFICATION_SOURCE",
    "CsvPreview",
    "CsvProblem",
    "CsvRow",
    "Errors",
    "RegistrationError",
    "RegistrationInput",
    "Schedule",
    "SimilarQualification",
    "WarningsToAcknowledge",
    "age_on",
    "change_dates",
    "attention_filter",
    "change_iqa",
    "change_tutor",
    "complete_registration",
    "csv_template",
    "decode_csv",
    "identity_choices",
    "identity_problems",
    "may_record_identity",
    "move_to_assessor",
    "parse_registration_csv",
    "read_csv_upload",
    "record_identity_check",
    "register_from_csv",
    "register_learner",
    "registration_problems",
    "schedule_for",
    "similar_qualifications",
    "uln_problem",
    "withdraw_registration",
]
