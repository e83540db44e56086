"""The shapes the API reads and writes (its OpenAPI schema is built from these)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

# No NUL character in any text we read: PostgreSQL cannot store or compare it (a 422, not a 500).
NO_NUL = r"^[^\x00]*$"


class Problem(Schema):
    detail: str | list
    errors: dict[str, list[str]] | None = None


class Person(Schema):
    email: str
    full_name: str


class QualificationRef(Schema):
    number: str
    title: str


class Percent(Schema):
    met: int
    required: int
    percent: int


class RegistrationOut(Schema):
    id: int
    learner: Person
    qualification: QualificationRef
    pathway: str | None
    assessor: Person
    iqa: Person
    tutor: Person | None
    status: str
    uln: str
    awarding_body_registration_number: str
    start_date: dt.date
    planned_end_date: dt.date
    created_at: dt.datetime


class RegistrationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RegistrationOut]


class RegistrationIn(Schema):
    email: str = Field(max_length=254, pattern=NO_NUL)
    full_name: str = Field("", max_length=200, pattern=NO_NUL)
    date_of_birth: dt.date
    qualification: str = Field(
        max_length=20, pattern=NO_NUL, description="The qualification's number, e.g. 600/5472/4."
    )
    pathway: str | None = Field(
        None, max_length=50, pattern=NO_NUL, description="The pathway's code, where it has pathways."
    )
    optional_units: list[Annotated[str, Field(max_length=20, pattern=NO_NUL)]] = Field(
        default_factory=list, max_length=100, description="Unit references."
    )
    assessor: str = Field(max_length=254, pattern=NO_NUL, description="The assessor's email address.")
    iqa: str = Field(max_length=254, pattern=NO_NUL, description="The IQA's email address.")
    start_date: dt.date
    planned_end_date: dt.date
    uln: str = Field("", max_length=10, pattern=NO_NUL)
    awarding_body_registration_number: str = Field("", max_length=50, pattern=NO_NUL)
    acknowledge_warnings: bool = Field(
        False, description="Register even where the learner holds or is registered on a similar qualification."
    )


class RegistrationPatch(Schema):
    start_date: dt.date | None = None
    planned_end_date: dt.date | None = None
    assessor: str | None = Field(None, max_length=254, pattern=NO_NUL, description="The new assessor's email address.")
    reason: str = Field("", max_length=500, pattern=NO_NUL)


class CriterionOut(Schema):
    code: str
    text: str
    required: bool
    state: str
    met_on: dt.date | None
    evidence_references: list[int]


class UnitProgressOut(Schema):
    reference: str
    title: str
    required: int
    met: int
    carried_over: bool
    criteria: list[CriterionOut]


class ProgressOut(Schema):
    registration: int
    met: int
    required: int
    percent: int
    units: list[UnitProgressOut]


class EvidenceFileOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    integrity: str
    uploaded_at: dt.datetime


class EvidenceOut(Schema):
    id: int
    reference: int
    version: int
    title: str
    date: dt.date
    status: str
    methods: list[str]
    submitted_at: dt.datetime | None
    files: list[EvidenceFileOut]


class EvidencePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EvidenceOut]


class SignatureOut(Schema):
    unit: str
    role: str
    name_at_signing: str
    signed_at: dt.datetime
    content_hash: str
    voided_at: dt.datetime | None
    void_reason: str


class OtjEntryOut(Schema):
    id: int
    date: dt.date
    hours: Decimal
    activity_type: str
    description: str
    verified: bool


class OtjOut(Schema):
    registration: int
    target_hours: Decimal
    actual_hours: Decimal
    verified_hours: Decimal
    entries: list[OtjEntryOut]


class ReviewOut(Schema):
    id: int
    due_on: dt.date
    held_on: dt.date | None
    criteria_met: int | None
    otj_hours: Decimal | None
    next_review_on: dt.date | None
    completed_at: dt.datetime | None
    content_hash: str
