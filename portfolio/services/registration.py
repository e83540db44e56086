"""Registering learners on qualifications, singly or from a CSV file, and what happens to a registration after:
moved to another assessor or IQA, identity checked, withdrawn or completed. Nothing is ever deleted.

Every service takes the acting user, checks the rules, writes an Event and raises RegistrationError, whose
`errors` maps a form field (or None for the whole form) to messages fit to show a centre admin."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from centres import conflicts
from centres.access import has_role
from centres.models import Centre, Invitation, Membership, Role, User, record_event
from centres.services import CentresError, invite_user, normalise_email
from portfolio.models import Registration, RegistrationUnit
from portfolio.progress import Progress, registration_progress
from portfolio.services import AlreadyDone, NotAllowed, PortfolioError
from portfolio.services.staff import competence_problem
from qualifications.models import Pathway, Qualification, QualificationUnit, Unit
from qualifications.services.combination import check_combination, plan_for
from qualifications.services.similarity import similar_titles
from qualifications.spec_rules import identity_proof, identity_proofs

Errors = dict[str | None, list[str]]


class RegistrationError(PortfolioError):
    """`errors` maps a form field (None: the whole form) to messages for the user."""

    def __init__(self, errors: Errors | str):
        self.errors: Errors = {None: [errors]} if isinstance(errors, str) else errors
        super().__init__(" ".join(message for messages in self.errors.values() for message in messages))

    @property
    def messages(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]

    def field_errors(self) -> Errors:
        return self.errors


class WarningsToAcknowledge(RegistrationError):
    """The registration may go ahead, but only once the centre admin has read these warnings and said so."""

    def __init__(self, warnings: list[SimilarQualification]):
        self.warnings = warnings
        super().__init__({"acknowledge_warnings": [warning.message for warning in warnings]})


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


# --- Checks shared by the form, the CSV preview and the services ------------------------------------------


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


def _add(errors: Errors, key: str | None, message: str) -> None:
    errors.setdefault(key, []).append(message)


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


def _staff_problem(
    *, centre: Centre, user: User | None, role: str, learner: User | None, qualification: Qualification | None
) -> str | None:
    label = "assessor" if role == Role.ASSESSOR else "IQA"
    if user is None:
        return f"Choose the learner's {label}."
    if not Membership.objects.active().filter(centre=centre, user=user, role=role).exists():
        return f"{user} is not an active {label} at {centre}: choose one of the centre's {label}s."
    if learner is not None and learner.pk == user.pk:
        return f"Learners cannot be their own {label}."
    if learner is not None:
        problem = conflicts.interest_conflict(
            user,
            SimpleNamespace(centre_id=centre.pk, learner_id=learner.pk),
            conflicts.Act.ASSESS if role == Role.ASSESSOR else conflicts.Act.QUALITY_ASSURE,
            named=True,
        )
        if problem:
            return problem
    if qualification is not None:
        return competence_problem(centre=centre, user=user, qualification=qualification, role_label=label)
    return None


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


# NCFE's entry guidance for 603/5681/9, word for word: the reason for the similar-qualification warning.
SIMILAR_QUALIFICATION_ADVICE = (
    "Learners registered on this qualification should not undertake another qualification at the same level with "
    "the same or a similar title, as duplication of learning may affect funding eligibility."
)
SIMILAR_QUALIFICATION_SOURCE = "NCFE Level 2 Diploma for Customer Service Practitioners (603/5681/9)"


@dataclass(frozen=True)
class SimilarQualification:
    """A qualification at the same level with a similar title that the learner already holds or is registered on,
    at this centre (other centres' registrations are theirs to see), or that an earlier row of the same CSV file
    registers them on."""

    key: str  # what the centre admin acknowledges: "registration-<id>" or "row-<line>"
    qualification: Qualification
    held: bool  # completed, rather than still registered
    row: int | None = None  # the line of the CSV file that registers it

    @property
    def message(self) -> str:
        q = self.qualification
        if self.row is not None:
            where = f"Row {self.row} of this file registers the learner on"
        elif self.held:
            where = "The learner already holds"
        else:
            where = "The learner is already registered on"
        return f"{where} {q.title} ({q.number}), also at level {q.level} with a similar title."


def similar_qualifications(*, centre: Centre, data: RegistrationInput) -> list[SimilarQualification]:
    """The learner's active or completed registrations at this centre on a qualification at the same level with a
    similar title (qualifications.services.similarity says what similar means). Two queries."""
    qualification = data.qualification
    learner = User.objects.filter(email=normalise_email(data.email)).first() if data.email else None
    if learner is None or qualification is None:
        return []
    others = (
        Registration.objects.filter(
            centre=centre,
            learner=learner,
            status__in=[Registration.Status.ACTIVE, Registration.Status.COMPLETED],
            qualification__level=qualification.level,
        )
        .select_related("qualification__awarding_body")
        .order_by("start_date", "pk")
    )
    return [
        SimilarQualification(
            key=f"registration-{other.pk}",
            qualification=other.qualification,
            held=other.status == Registration.Status.COMPLETED,
        )
        for other in others
        if similar_titles(qualification, other.qualification)
    ]


def _require_centre_admin(actor, centre: Centre) -> None:
    if not has_role(actor, Role.CENTRE_ADMIN, centre):
        raise NotAllowed(f"Only a centre admin at {centre} may do this.")


def _require_active(registration: Registration) -> None:
    if registration.status != Registration.Status.ACTIVE:
        raise RegistrationError(f"This registration is {registration.get_status_display().lower()}; it cannot change.")


# --- Services ----------------------------------------------------------------------------------------------


@transaction.atomic
def register_learner(
    *, actor, centre: Centre, data: RegistrationInput, acknowledge_all_warnings: bool = False
) -> Registration:
    """Register a learner (new or existing) on a qualification. A learner who has no password yet is sent
    an invitation to set one, once the registration is saved.

    Where the learner already holds or is registered on a similar qualification, the registration is made only
    once the centre admin has acknowledged each warning (`data.acknowledged_warnings`, or every warning with
    `acknowledge_all_warnings` after a CSV preview showed them), and the history records what was acknowledged."""
    _require_centre_admin(actor, centre)
    errors = registration_problems(centre=centre, data=data)
    if errors:
        raise RegistrationError(errors)
    warnings = similar_qualifications(centre=centre, data=data)
    unacknowledged = [warning for warning in warnings if warning.key not in data.acknowledged_warnings]
    if unacknowledged and not acknowledge_all_warnings:
        raise WarningsToAcknowledge(unacknowledged)
    email = normalise_email(data.email)
    learner = User.objects.filter(email=email).first()
    if learner is None:
        learner = User.objects.create_user(email=email, full_name=data.full_name.strip())
    qualification = data.qualification
    registration = Registration.objects.create(
        centre=centre,
        learner=learner,
        qualification=qualification,
        pathway=data.pathway,
        assessor=data.assessor,
        iqa=data.iqa,
        date_of_birth=data.date_of_birth,
        uln=(data.uln or "").strip(),
        awarding_body_registration_number=data.awarding_body_registration_number.strip(),
        start_date=data.start_date,
        planned_end_date=data.planned_end_date,
        id_document_type=data.id_document_type.strip(),
        id_checked_by=data.id_checked_by,
        id_checked_on=data.id_checked_on,
        id_details=data.id_details.strip(),
        created_by=actor,
    )
    chosen = {unit.pk for unit in data.optional_units}
    mandatory = {unit.pk for unit in plan_for(qualification, [])}
    plan = plan_for(qualification, data.optional_units)
    RegistrationUnit.objects.bulk_create(
        [
            RegistrationUnit(
                registration=registration, unit=unit, chosen=unit.pk in chosen and unit.pk not in mandatory
            )
            for unit in plan
        ]
    )
    record_event(
        action="registration.created",
        obj=registration,
        actor=actor,
        centre=centre,
        registration_id=registration.pk,
        summary=f"{learner} registered on {qualification.number} {qualification.title}",
        learner=learner.email,
        qualification=qualification.number,
        pathway=data.pathway.code if data.pathway else None,
        chosen_units=sorted(unit.reference for unit in data.optional_units if unit.pk not in mandatory),
        assessor=data.assessor.email,
        iqa=data.iqa.email,
        start_date=data.start_date.isoformat(),
        planned_end_date=data.planned_end_date.isoformat(),
        identity=_identity_record(registration),
    )
    for warning in warnings:
        record_event(
            action="registration.warning_acknowledged",
            obj=registration,
            actor=actor,
            centre=centre,
            registration_id=registration.pk,
            summary=f"Warning shown and acknowledged: {warning.message}",
            warning=warning.message,
            similar_qualification=warning.qualification.number,
            advice=SIMILAR_QUALIFICATION_ADVICE,
            advice_source=SIMILAR_QUALIFICATION_SOURCE,
        )
    if not learner.has_usable_password() and not learner.invitations.pending().exists():
        try:
            invite_user(actor=actor, user=learner, centre=centre, kind=Invitation.Kind.LEARNER)
        except CentresError as exc:
            raise RegistrationError(str(exc)) from exc
    return registration


def _lock(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update()
        .select_related("centre", "learner", "assessor", "iqa", "qualification")
        .get(pk=registration.pk)
    )


@transaction.atomic
def move_to_assessor(*, actor, registration: Registration, assessor: User, reason: str = "") -> Registration:
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    if assessor.pk == registration.assessor_id:
        raise RegistrationError({"assessor": [f"{assessor} is already this learner's assessor."]})
    problem = _staff_problem(
        centre=registration.centre,
        user=assessor,
        role=Role.ASSESSOR,
        learner=registration.learner,
        qualification=registration.qualification,
    )
    if problem:
        raise RegistrationError({"assessor": [problem]})
    if problem := conflicts.iqa_delivery_conflict(iqa=registration.iqa_id, assessor=assessor):
        raise RegistrationError({"assessor": [f"{problem} Change the IQA first."]})
    previous = registration.assessor
    registration.assessor = assessor
    registration.save(update_fields=["assessor"])
    record_event(
        action="registration.assessor_changed",
        obj=registration,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Moved from {previous} to {assessor}" + (f": {reason.strip()}" if reason.strip() else ""),
        previous=previous.email,
        assessor=assessor.email,
        reason=reason.strip(),
    )
    return registration


@transaction.atomic
def change_iqa(*, actor, registration: Registration, iqa: User, reason: str = "") -> Registration:
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    if iqa.pk == registration.iqa_id:
        raise RegistrationError({"iqa": [f"{iqa} is already this learner's IQA."]})
    problem = _staff_problem(
        centre=registration.centre,
        user=iqa,
        role=Role.IQA,
        learner=registration.learner,
        qualification=registration.qualification,
    )
    if problem:
        raise RegistrationError({"iqa": [problem]})
    if problem := conflicts.iqa_delivery_conflict(
        iqa=iqa, assessor=registration.assessor_id, tutor=registration.tutor_id
    ):
        raise RegistrationError({"iqa": [problem]})
    previous = registration.iqa
    registration.iqa = iqa
    registration.save(update_fields=["iqa"])
    record_event(
        action="registration.iqa_changed",
        obj=registration,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"IQA changed from {previous} to {iqa}" + (f": {reason.strip()}" if reason.strip() else ""),
        previous=previous.email,
        iqa=iqa.email,
        reason=reason.strip(),
    )
    return registration


def _identity_record(registration: Registration) -> dict | None:
    if registration.id_checked_on is None:
        return None
    return {
        "document": registration.id_document_type,
        "details": registration.id_details,
        "checked_by": registration.id_checked_by.email if registration.id_checked_by else None,
        "checked_on": registration.id_checked_on.isoformat(),
    }


def may_record_identity(user, registration: Registration) -> bool:
    """A centre admin of the registration's centre, or the learner's assessor there."""
    return has_role(user, Role.CENTRE_ADMIN, registration.centre) or (
        registration.assessor_id == user.pk and has_role(user, Role.ASSESSOR, registration.centre)
    )


@transaction.atomic
def change_tutor(*, actor, registration: Registration, tutor: User | None, reason: str = "") -> Registration:
    """Name the member of staff who delivers (teaches) the learner, or nobody. The tutor is never the learner's IQA,
    so that quality assurance stays independent of delivery (centres.conflicts)."""
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    if (tutor.pk if tutor else None) == registration.tutor_id:
        raise RegistrationError({"tutor": [f"{tutor or 'Nobody'} is already named as this learner's tutor."]})
    if tutor is not None:
        if not Membership.objects.active().filter(centre=registration.centre, user=tutor).exists():
            raise RegistrationError({"tutor": [f"{tutor} does not work at {registration.centre}."]})
        problem = (
            "Learners cannot be their own tutor." if tutor.pk == registration.learner_id else None
        ) or conflicts.iqa_delivery_conflict(iqa=registration.iqa_id, tutor=tutor)
        problem = problem or conflicts.interest_conflict(tutor, registration, conflicts.Act.TUTOR, named=True)
        if problem:
            raise RegistrationError({"tutor": [problem]})
    previous = registration.tutor
    registration.tutor = tutor
    registration.save(update_fields=["tutor"])
    record_event(
        action="registration.tutor_changed",
        obj=registration,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Tutor changed from {previous or 'nobody'} to {tutor or 'nobody'}"
        + (f": {reason.strip()}" if reason.strip() else ""),
        previous=previous.email if previous else None,
        tutor=tutor.email if tutor else None,
        reason=reason.strip(),
    )
    return registration


@transaction.atomic
def record_identity_check(
    *,
    actor,
    registration: Registration,
    document_type: str,
    checked_by: User | None,
    checked_on: dt.date | None,
    details: str = "",
) -> Registration:
    """Record (or correct) how the learner's identity was confirmed, by whom and when. Until it is recorded no
    criterion is marked met, no unit signed by the assessor and no certificate claimed."""
    registration = _lock(registration)
    if not may_record_identity(actor, registration):
        raise NotAllowed(f"Only a centre admin at {registration.centre} or the learner's assessor may record this.")
    _require_active(registration)
    errors = identity_problems(
        centre=registration.centre,
        qualification=registration.qualification,
        document_type=document_type,
        checked_by=checked_by,
        checked_on=checked_on,
        details=details,
    )
    if not errors and not document_type.strip():
        _add(errors, "id_document_type", "Say which proof of identity was seen.")
    if errors:
        raise RegistrationError(errors)
    previous = _identity_record(registration)
    registration.id_document_type = document_type.strip()
    registration.id_details = details.strip()
    registration.id_checked_by = checked_by
    registration.id_checked_on = checked_on
    current = _identity_record(registration)
    if current == previous:
        raise AlreadyDone("This identity check is already recorded; nothing changed.")
    registration.save(update_fields=["id_document_type", "id_details", "id_checked_by", "id_checked_on"])
    detail = f" ({registration.id_details})" if registration.id_details else ""
    record_event(
        action="registration.identity_checked",
        obj=registration,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Identity {'re-recorded' if previous else 'checked'}: {registration.id_document_type}{detail}, "
        f"by {checked_by} on {checked_on:%-d %B %Y}",
        **current,
        previous=previous,
    )
    return registration


@transaction.atomic
def withdraw_registration(*, actor, registration: Registration, reason: str) -> Registration:
    """The learner leaves the programme. Everything they did stays in the record."""
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    if not reason.strip():
        raise RegistrationError({"reason": ["Say why the learner is withdrawn."]})
    registration.status = Registration.Status.WITHDRAWN
    registration.status_changed_at = timezone.now()
    registration.status_reason = reason.strip()
    registration.save(update_fields=["status", "status_changed_at", "status_reason"])
    record_event(
        action="registration.withdrawn",
        obj=registration,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Withdrawn: {reason.strip()}",
        reason=reason.strip(),
    )
    return registration


@transaction.atomic
def complete_registration(*, actor, registration: Registration, note: str = "") -> Registration:
    """Close a registration whose every required criterion is met."""
    registration = _lock(registration)
    _require_centre_admin(actor, registration.centre)
    _require_active(registration)
    progress = registration_progress([registration])[registration.pk]
    if progress.required == 0 or progress.met < progress.required:
        raise RegistrationError(
            f"{progress.required - progress.met} of {progress.required} required criteria are not met yet; "
            "a registration is completed once every one is met."
        )
    registration.status = Registration.Status.COMPLETED
    registration.status_changed_at = timezone.now()
    registration.status_reason = note.strip()
    registration.save(update_fields=["status", "status_changed_at", "status_reason"])
    record_event(
        action="registration.completed",
        obj=registration,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary="Completed" + (f": {note.strip()}" if note.strip() else ""),
        note=note.strip(),
    )
    return registration


# --- On track or behind ------------------------------------------------------------------------------------

# A learner is behind when the share of criteria met trails the share of the planned time gone by this much.
BEHIND_MARGIN = 0.10


@dataclass(frozen=True)
class Schedule:
    key: str  # "on_track", "behind", "overdue", "not_started" or "closed"
    label: str

    @property
    def needs_attention(self) -> bool:
        return self.key in ("behind", "overdue")


def schedule_for(registration: Registration, progress: Progress | None, today: dt.date | None = None) -> Schedule:
    """Whether the learner is on track, from the dates and the criteria met so far."""
    today = today or timezone.localdate()
    if registration.status != Registration.Status.ACTIVE:
        return Schedule("closed", registration.get_status_display())
    met = progress.met if progress else 0
    required = progress.required if progress else 0
    done = met / required if required else 0.0
    if today > registration.planned_end_date and done < 1:
        return Schedule("overdue", "Past planned end")
    if today < registration.start_date:
        return Schedule("not_started", "Not started")
    total = (registration.planned_end_date - registration.start_date).days or 1
    expected = min(1.0, (today - registration.start_date).days / total)
    if done + BEHIND_MARGIN < expected:
        return Schedule("behind", "Behind")
    return Schedule("on_track", "On track")


# --- Bulk registration from CSV ----------------------------------------------------------------------------

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


def csv_template() -> str:
    out = io.StringIO()
    csv.writer(out).writerow(CSV_HEADER)
    return out.getvalue()


def _parse_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


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
        raise RegistrationError("The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”.") from exc


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
        raise RegistrationError(f"The file has {preview.problem_count} problem(s); nothing was registered.")
    if preview.warning_count and not acknowledge_warnings:
        raise RegistrationError(
            f"The file has {preview.warning_count} warning(s) about similar qualifications: confirm that you have "
            "read them. Nothing was registered."
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
            raise RegistrationError(f"Row {row.number}: {exc}. Nothing was registered.") from exc
    record_event(
        action="registration.bulk_imported",
        actor=actor,
        centre=centre,
        summary=f"{len(registrations)} learner(s) registered from a CSV file",
        registrations=[registration.pk for registration in registrations],
    )
    return registrations


def attention_filter() -> Q:
    """Active registrations a centre admin should look at: no identity check recorded, or past their end."""
    return Q(status=Registration.Status.ACTIVE) & (
        Q(id_checked_on__isnull=True) | Q(planned_end_date__lt=timezone.localdate())
    )
