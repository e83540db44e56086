"""Checks shared by the registration form, the CSV preview and the services: what a registration needs, the ULN,
the identity check."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from centres import conflicts
from centres.models import Centre, Membership, Role, User
from centres.services import normalise_email
from portfolio.models import Registration
from qualifications.models import Pathway, Qualification, Unit
from qualifications.services.combination import check_combination
from qualifications.spec_rules import identity_proof, identity_proofs

from ._common import _add, _staff_problem
from .errors import Errors


def identity_choices(qualification: Qualification | None) -> list[tuple[str, str]]:
    """The proofs of identity the qualification's specification accepts, as form choices (stored value, its words)."""
    return [(proof.value, proof.label) for proof in identity_proofs(qualification.number if qualification else None)]


def identity_problems(
    *,
    centre: Centre,
    qualification: Qualification | None,
    document_type: str,
    checked_by: User | None,
    checked_on: dt.date | None,
    details: str = "",
) -> Errors:
    """What is wrong with a recorded identity check (nothing given at all is not wrong: it is still to do)."""
    errors: Errors = {}
    document_type, details = document_type.strip(), details.strip()
    given = [bool(document_type), checked_by is not None, checked_on is not None]
    if any(given) and not all(given):
        _add(errors, "id_document_type", "Record the identity check in full: the document, who checked it and when.")
    if document_type:
        accepted = dict(identity_choices(qualification))
        proof = identity_proof(document_type)
        if document_type not in accepted:
            number = qualification.number if qualification else "this qualification"
            _add(
                errors,
                "id_document_type",
                f"{document_type} is not a proof of identity the specification of {number} accepts: choose one of "
                + "; ".join(accepted)
                + ".",
            )
        elif proof is not None and proof.needs_details and not details:
            _add(errors, "id_details", proof.needs_details)
    if len(details) > ID_DETAILS_MAX:
        _add(errors, "id_details", f"Keep the details to {ID_DETAILS_MAX} characters.")
    if checked_by is not None and not Membership.objects.active().filter(centre=centre, user=checked_by).exists():
        _add(errors, "id_checked_by", f"The identity check must be made by a member of staff at {centre}.")
    if checked_on is not None and checked_on > timezone.localdate():
        _add(errors, "id_checked_on", "The identity check cannot be dated in the future.")
    return errors


ID_DETAILS_MAX = 300


def uln_problem(uln: str) -> str | None:
    """The Unique Learner Number is 10 digits whose last is a check digit: weights 10..2 over the first nine,
    the sum modulo 11 subtracted from 10. A remainder of 0 (check digit 10) never makes a valid ULN."""
    if not uln:
        return None
    # isdecimal() and isdigit() accept "²" and other scripts' digits: a ULN is ten ASCII digits.
    if not re.fullmatch(r"[0-9]{10}", uln):
        return "A ULN is exactly 10 digits (0 to 9)."
    remainder = sum(int(digit) * weight for digit, weight in zip(uln[:9], range(10, 1, -1), strict=True)) % 11
    if remainder == 0 or 10 - remainder != int(uln[9]):
        return "This ULN's check digit is wrong: check it for a mistyped digit."
    return None


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


@dataclass
class RegistrationInput:
    """Everything a centre admin gives to register one learner, already parsed into objects."""

    email: str
    full_name: str
    date_of_birth: dt.date | None
    qualification: Qualification | None
    start_date: dt.date | None
    planned_end_date: dt.date | None
    assessor: User | None
    iqa: User | None
    pathway: Pathway | None = None
    optional_units: list[Unit] = field(default_factory=list)
    uln: str = ""
    awarding_body_registration_number: str = ""
    id_document_type: str = ""
    id_checked_by: User | None = None
    id_checked_on: dt.date | None = None
    # The keys of the warnings the centre admin was shown and acknowledged (SimilarQualification.key).
    acknowledged_warnings: frozenset[str] = frozenset()
    id_details: str = ""


def registration_problems(*, centre: Centre, data: RegistrationInput, today: dt.date | None = None) -> Errors:
    """Every reason the registration cannot be made, by field. Empty when it can."""
    today = today or timezone.localdate()
    errors: Errors = {}
    email = normalise_email(data.email)
    learner = None
    try:
        validate_email(email)
    except ValidationError:
        _add(errors, "email", "Enter the learner's email address.")
    else:
        learner = User.objects.filter(email=email).first()
        if learner is None and not data.full_name.strip():
            _add(errors, "full_name", "Enter the learner's full name.")
        if learner is not None and not learner.is_active:
            _add(errors, "email", "This person's account is disabled.")
    qualification = data.qualification
    if qualification is None:
        _add(errors, "qualification", "Choose a qualification.")
    if learner is not None and qualification is not None:
        if Registration.objects.filter(
            centre=centre, learner=learner, qualification=qualification, status=Registration.Status.ACTIVE
        ).exists():
            _add(errors, "email", f"This learner is already registered on {qualification.number} at {centre}.")

    if data.date_of_birth is None:
        _add(errors, "date_of_birth", "Enter the learner's date of birth.")
    elif data.date_of_birth >= today:
        _add(errors, "date_of_birth", "The date of birth must be in the past.")
    elif qualification is not None and qualification.min_age and data.start_date is not None:
        age = age_on(data.date_of_birth, data.start_date)
        if age < qualification.min_age:
            _add(
                errors,
                "date_of_birth",
                f"{qualification.title} ({qualification.number}) is for learners aged {qualification.min_age} "
                f"and over; this learner is {age} on the start date, {data.start_date:%-d %B %Y}.",
            )

    uln = (data.uln or "").strip()
    problem = uln_problem(uln)
    if problem:
        _add(errors, "uln", problem)
    elif uln:
        others = Registration.objects.filter(uln=uln)
        others = others.exclude(learner=learner) if learner is not None else others.exclude(learner__email=email)
        if others.exists():
            _add(errors, "uln", "This ULN is already recorded for another learner.")

    if data.start_date is None:
        _add(errors, "start_date", "Enter the start date.")
    if data.planned_end_date is None:
        _add(errors, "planned_end_date", "Enter the planned end date.")
    elif data.start_date is not None and data.planned_end_date <= data.start_date:
        _add(errors, "planned_end_date", "The planned end date must be after the start date.")

    problem = _staff_problem(
        centre=centre, user=data.assessor, role=Role.ASSESSOR, learner=learner, qualification=qualification
    )
    if problem:
        _add(errors, "assessor", problem)
    problem = _staff_problem(centre=centre, user=data.iqa, role=Role.IQA, learner=learner, qualification=qualification)
    if problem:
        _add(errors, "iqa", problem)
    if problem := conflicts.iqa_delivery_conflict(iqa=data.iqa, assessor=data.assessor):
        _add(errors, "iqa", problem)

    if qualification is not None:
        pathways = list(qualification.pathways.all())
        if pathways and data.pathway is None:
            _add(errors, "pathway", f"Choose the learner's pathway: {', '.join(p.name for p in pathways)}.")
        elif data.pathway is not None and data.pathway not in pathways:
            _add(errors, "pathway", f"{data.pathway.name} is not a pathway of {qualification.number}.")
        result = check_combination(qualification=qualification, units=data.optional_units, pathway=data.pathway)
        for reason in result.reasons:
            # Pathway problems are reported above, on the pathway field.
            if "pathway" not in reason.lower():
                _add(errors, "optional_units", reason + ".")

    identity = identity_problems(
        centre=centre,
        qualification=qualification,
        document_type=data.id_document_type,
        checked_by=data.id_checked_by,
        checked_on=data.id_checked_on,
        details=data.id_details,
    )
    for key, messages in identity.items():
        for message in messages:
            _add(errors, key, message)
    return errors
