"""Registering learners from a CSV file: every problem of every row previewed first, then all rows or none."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext

from centres.models import Centre, Membership, Role, User, record_event
from centres.services import normalise_email
from portfolio.models import Registration
from qualifications.models import Qualification, QualificationUnit, Unit
from qualifications.services.similarity import similar_titles

from ._common import _require_centre_admin
from .checks import RegistrationInput, registration_problems
from .create import register_learner
from .csv_file import CSV_COLUMNS, CSV_HEADER, FIELD_COLUMNS, MAX_CSV_ROWS
from .errors import RegistrationError
from .similar import SimilarQualification, similar_qualifications


@dataclass
class CsvProblem:
    column: str  # "" when the problem is the whole row
    message: str


@dataclass
class CsvRow:
    number: int  # the line number in the file, the header being line 1
    values: dict[str, str]
    data: RegistrationInput | None
    problems: list[CsvProblem] = field(default_factory=list)
    warnings: list[SimilarQualification] = field(default_factory=list)  # shown, and acknowledged on confirming


@dataclass
class CsvPreview:
    rows: list[CsvRow]
    file_problems: list[str] = field(default_factory=list)

    @property
    def problem_count(self) -> int:
        return len(self.file_problems) + sum(len(row.problems) for row in self.rows)

    @property
    def is_valid(self) -> bool:
        return self.problem_count == 0 and bool(self.rows)

    @property
    def warning_count(self) -> int:
        return sum(len(row.warnings) for row in self.rows)


def _parse_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_registration_csv(*, centre: Centre, text: str) -> CsvPreview:
    """Read a CSV of registrations and find every problem of every row, by row and column. Saves nothing."""
    preview = CsvPreview(rows=[])
    if "\x00" in text:
        # Python's csv module reads it, but PostgreSQL cannot store it in text.
        preview.file_problems.append(
            "The file contains a NUL character, which a spreadsheet saved as CSV never has: save it again as "
            "“CSV UTF-8”."
        )
        return preview
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        preview.file_problems.append(_csv_error_message(reader.line_num, error))
        return preview
    if not header:
        preview.file_problems.append("The file is empty: download the template and fill one row per learner.")
        return preview
    reader.fieldnames = header
    missing = [column for column, _, required in CSV_COLUMNS if required and column not in header]
    if missing:
        preview.file_problems.append(f"Columns missing from the header row: {', '.join(missing)}.")
    unknown = [column for column in header if column not in CSV_HEADER]
    if unknown:
        preview.file_problems.append(f"Unknown columns (check their spelling): {', '.join(unknown)}.")
    if missing:
        return preview

    qualifications = {
        q.number: q
        for q in Qualification.objects.select_related("awarding_body").prefetch_related(
            Prefetch("memberships", QualificationUnit.objects.select_related("unit", "group").order_by("order", "pk")),
            "pathways",
        )
    }
    members = Membership.objects.active().filter(centre=centre).select_related("user")
    staff_by_role: dict[str, dict[str, User]] = {}
    staff: dict[str, User] = {}
    for membership in members:
        staff_by_role.setdefault(membership.role, {})[membership.user.email] = membership.user
        staff[membership.user.email] = membership.user

    try:
        _read_rows(reader, preview, centre, qualifications, staff_by_role, staff)
    except csv.Error as error:
        preview.file_problems.append(_csv_error_message(reader.line_num, error))
    if not preview.rows and not preview.file_problems:
        preview.file_problems.append("The file has a header but no learners: fill one row per learner.")
    return preview


def _csv_error_message(line_number: int, error: csv.Error) -> str:
    if "field limit" in str(error):
        return (
            f"Line {line_number}: a cell is longer than {csv.field_size_limit():,} characters. Check that every "
            "quotation mark in the file is closed."
        )
    return f"Line {line_number} cannot be read as CSV ({error}). Save the file again as “CSV UTF-8”."


def _read_rows(reader, preview, centre, qualifications, staff_by_role, staff) -> None:
    seen: dict[tuple[str, str], int] = {}
    people: dict[str, tuple[int, str, str]] = {}
    earlier: dict[str, list[tuple[int, Qualification]]] = {}  # each learner's qualifications in the rows above
    for line_number, raw in enumerate(reader, start=2):
        values = {column: (raw.get(column) or "").strip() for column in CSV_HEADER}
        if None in raw:
            row = CsvRow(line_number, values, None, [CsvProblem("", "This row has more cells than the header.")])
            preview.rows.append(row)
            continue
        if not any(values.values()):
            continue
        if len(preview.rows) >= MAX_CSV_ROWS:
            preview.file_problems.append(f"The file has more than {MAX_CSV_ROWS} rows: split it into smaller files.")
            break
        row = _parse_row(line_number, values, centre, qualifications, staff_by_role, staff)
        email = normalise_email(values["email"])
        if email and values["qualification"]:
            key = (email, values["qualification"])
            if key in seen:
                row.problems.append(
                    CsvProblem(
                        "qualification", f"Row {seen[key]} already registers this learner on this qualification."
                    )
                )
            else:
                seen[key] = line_number
        if email:
            first = people.setdefault(email, (line_number, values["full_name"], values["date_of_birth"]))
            if first[0] != line_number and (first[1], first[2]) != (values["full_name"], values["date_of_birth"]):
                row.problems.append(
                    CsvProblem("email", f"Row {first[0]} gives a different name or date of birth for this email.")
                )
        if email and row.data is not None and row.data.qualification is not None:
            if not row.problems:
                row.warnings = similar_qualifications(centre=centre, data=row.data) + [
                    SimilarQualification(key=f"row-{line}", qualification=other, held=False, row=line)
                    for line, other in earlier.get(email, [])
                    if other.pk != row.data.qualification.pk and similar_titles(row.data.qualification, other)
                ]
            earlier.setdefault(email, []).append((line_number, row.data.qualification))
        preview.rows.append(row)


def _parse_row(line_number, values, centre, qualifications, staff_by_role, staff) -> CsvRow:
    problems: list[CsvProblem] = []

    def date(column: str, required: bool) -> dt.date | None:
        if not values[column]:
            if required:
                problems.append(CsvProblem(column, "Required."))
            return None
        try:
            return _parse_date(values[column])
        except ValueError:
            problems.append(CsvProblem(column, f"“{values[column]}” is not a date: write YYYY-MM-DD or DD/MM/YYYY."))
            return None

    def person(column: str, pool: dict[str, User], what: str, required: bool) -> User | None:
        email = normalise_email(values[column])
        if not email:
            if required:
                problems.append(CsvProblem(column, "Required."))
            return None
        if email not in pool:
            problems.append(CsvProblem(column, f"{email} is not an active {what} at {centre}."))
            return None
        return pool[email]

    qualification = None
    if not values["qualification"]:
        problems.append(CsvProblem("qualification", "Required."))
    else:
        qualification = qualifications.get(values["qualification"])
        if qualification is None:
            problems.append(CsvProblem("qualification", f"No qualification numbered {values['qualification']}."))

    pathway = None
    units: list[Unit] = []
    if qualification is not None:
        if values["pathway"]:
            wanted = values["pathway"].lower()
            pathway = next(
                (p for p in qualification.pathways.all() if wanted in (p.code.lower(), p.name.lower())), None
            )
            if pathway is None:
                names = ", ".join(p.code for p in qualification.pathways.all()) or "none"
                problems.append(
                    CsvProblem("pathway", f"Not a pathway of {qualification.number} (its pathways: {names}).")
                )
        by_reference = {m.unit.reference: m.unit for m in qualification.memberships.all()}
        for reference in filter(None, (part.strip() for part in values["optional_units"].replace(",", ";").split(";"))):
            if reference in by_reference:
                units.append(by_reference[reference])
            else:
                problems.append(CsvProblem("optional_units", f"{reference} is not a unit of {qualification.number}."))

    data = RegistrationInput(
        email=values["email"],
        full_name=values["full_name"],
        date_of_birth=date("date_of_birth", True),
        qualification=qualification,
        start_date=date("start_date", True),
        planned_end_date=date("planned_end_date", True),
        assessor=person("assessor_email", staff_by_role.get(Role.ASSESSOR, {}), "assessor", True),
        iqa=person("iqa_email", staff_by_role.get(Role.IQA, {}), "IQA", True),
        pathway=pathway,
        optional_units=units,
        uln=values["uln"],
        awarding_body_registration_number=values["awarding_body_registration_number"],
        id_document_type=values["id_document_type"],
        id_checked_by=person("id_checked_by_email", staff, "member of staff", False),
        id_checked_on=date("id_checked_on", False),
        id_details=values["id_details"],
    )
    already = {problem.column for problem in problems}
    for key, messages in registration_problems(centre=centre, data=data).items():
        column = FIELD_COLUMNS.get(key, "") if key else ""
        if column in already:
            continue  # the cell could not be read; its own message says why
        problems.extend(CsvProblem(column, message) for message in messages)
    return CsvRow(line_number, values, data, problems)


@transaction.atomic
def register_from_csv(*, actor, centre: Centre, text: str, acknowledge_warnings: bool = False) -> list[Registration]:
    """Register every learner in the file, or none: the file is checked again, and any problem (or any
    failure while saving) leaves the database as it was and sends no email. Warnings (a similar qualification)
    must have been acknowledged by the admin on the preview that showed them."""
    _require_centre_admin(actor, centre)
    preview = parse_registration_csv(centre=centre, text=text)
    if not preview.is_valid:
        raise RegistrationError(
            gettext("The file has %(problem_count)s problem(s); nothing was registered.")
            % {"problem_count": preview.problem_count}
        )
    if preview.warning_count and not acknowledge_warnings:
        raise RegistrationError(
            gettext(
                "The file has %(warning_count)s warning(s) about similar "
                "qualifications: confirm that you have read them. Nothing was "
                "registered."
            )
            % {"warning_count": preview.warning_count}
        )
    registrations = []
    for row in preview.rows:
        try:
            registrations.append(
                register_learner(
                    actor=actor, centre=centre, data=row.data, acknowledge_all_warnings=acknowledge_warnings
                )
            )
        except RegistrationError as exc:
            raise RegistrationError(
                gettext("Row %(number)s: %(exc)s. Nothing was registered.") % {"number": row.number, "exc": exc}
            ) from exc
    record_event(
        action="registration.bulk_imported",
        actor=actor,
        centre=centre,
        summary=f"{len(registrations)} learner(s) registered from a CSV file",
        registrations=[registration.pk for registration in registrations],
    )
    return registrations
