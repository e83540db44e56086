"""The CSV file of bulk registrations: its columns, the template, and reading an upload within the size limit."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext

from .errors import RegistrationError

CSV_COLUMNS: list[tuple[str, str, bool]] = [
    # (column, what to put in it, required)
    ("full_name", "The learner's full name (may be left empty if they already have an account)", False),
    ("email", "The learner's email address: their invitation is sent there", True),
    ("date_of_birth", "YYYY-MM-DD or DD/MM/YYYY", True),
    ("uln", "Unique Learner Number: 10 digits (optional)", False),
    ("awarding_body_registration_number", "As issued by the awarding body (optional)", False),
    ("qualification", "The qualification number, e.g. 600/5469/4", True),
    ("pathway", "Pathway code or name where the qualification has pathways, e.g. face-to-face", False),
    ("optional_units", "Chosen optional unit references separated by ; e.g. R/601/1209;A/601/1205", False),
    ("start_date", "YYYY-MM-DD or DD/MM/YYYY", True),
    ("planned_end_date", "YYYY-MM-DD or DD/MM/YYYY", True),
    ("assessor_email", "Email of an assessor at the centre", True),
    ("iqa_email", "Email of an IQA at the centre (not the assessor)", True),
    ("id_document_type", "Identity document seen, e.g. Passport (optional; then fill the next two)", False),
    ("id_checked_by_email", "Email of the member of staff who checked the identity document", False),
    ("id_checked_on", "When the identity was checked: YYYY-MM-DD or DD/MM/YYYY", False),
    ("id_details", "Which card was seen, or the third-party representative's name and role (when asked)", False),
]
CSV_HEADER = [column for column, _, _ in CSV_COLUMNS]
FIELD_COLUMNS = {
    "email": "email",
    "full_name": "full_name",
    "date_of_birth": "date_of_birth",
    "uln": "uln",
    "awarding_body_registration_number": "awarding_body_registration_number",
    "qualification": "qualification",
    "pathway": "pathway",
    "optional_units": "optional_units",
    "start_date": "start_date",
    "planned_end_date": "planned_end_date",
    "assessor": "assessor_email",
    "iqa": "iqa_email",
    "id_document_type": "id_document_type",
    "id_checked_by": "id_checked_by_email",
    "id_checked_on": "id_checked_on",
    "id_details": "id_details",
}
MAX_CSV_ROWS = 500
MAX_CSV_BYTES = 1024 * 1024


def csv_template() -> str:
    out = io.StringIO()
    csv.writer(out).writerow(CSV_HEADER)
    return out.getvalue()


def _csv_too_large() -> RegistrationError:
    return RegistrationError(f"The file is larger than {MAX_CSV_BYTES // 1024} KB: split it into smaller files.")


def read_csv_upload(uploaded) -> str:
    """The text of an uploaded CSV file, read chunk by chunk and refused as soon as it passes MAX_CSV_BYTES
    (its declared size is checked before anything is read)."""
    if (getattr(uploaded, "size", None) or 0) > MAX_CSV_BYTES:
        raise _csv_too_large()
    chunks, received = [], 0
    for chunk in uploaded.chunks(64 * 1024):
        received += len(chunk)
        if received > MAX_CSV_BYTES:
            raise _csv_too_large()
        chunks.append(chunk)
    return decode_csv(b"".join(chunks))


def decode_csv(content: bytes) -> str:
    if len(content) > MAX_CSV_BYTES:
        raise _csv_too_large()
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistrationError(
            gettext("The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”.")
        ) from exc
