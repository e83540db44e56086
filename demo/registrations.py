"""Demo learners and their registrations (see `manage.py seed_demo`), made through the registration service
so that the demo's history reads like a real centre's. Idempotent: a registration that exists is left alone."""

import datetime as dt

from django.utils import timezone

from centres.models import PersonalInterest
from centres.services import declare_personal_interest
from demo.people import demo_user
from portfolio.models import OccupationalCompetence, Registration
from portfolio.services.registration import RegistrationInput, register_learner
from portfolio.services.staff import record_competence, verify_competence
from qualifications.models import Pathway, Qualification, Unit

# email, name, centre, qualification, optional units, pathway, assessor, date of birth, started days ago, months
LEARNERS = [
    (
        "learner1@northgate.example",
        "Liam Walsh",
        "northgate",
        "600/5469/4",
        ["R/601/1209", "A/601/1205", "M/601/1508", "A/601/1530"],
        None,
        "assessor@northgate.example",
        dt.date(2001, 4, 12),
        120,
        12,
    ),
    (
        "learner2@northgate.example",
        "Sophie Turner",
        "northgate",
        "603/4687/5",
        [],
        "face-to-face",
        "trainee@northgate.example",
        dt.date(2004, 9, 3),
        90,
        12,
    ),
    (
        "learner3@northgate.example",
        "Jacob Evans",
        "northgate",
        "603/4687/5",
        [],
        "non-facing",
        "assessor@northgate.example",
        dt.date(1998, 1, 27),
        200,
        10,
    ),
    (
        "learner4@northgate.example",
        "Grace Patel",
        "northgate",
        "600/5472/4",
        [],
        None,
        "trainee@northgate.example",
        dt.date(2006, 6, 30),
        45,
        9,
    ),
    (
        "learner5@northgate.example",
        "Ethan Brooks",
        "northgate",
        "603/4351/5",
        ["T/617/5410", "F/617/5412", "K/617/5419"],
        None,
        "assessor@northgate.example",
        dt.date(2010, 11, 5),
        30,
        6,
    ),
    (  # Ethan moves on to the Diploma, which contains every unit of his Award: tracking.demo carries one over.
        "learner5@northgate.example",
        "Ethan Brooks",
        "northgate",
        "603/4354/0",
        [],
        None,
        "assessor@northgate.example",
        dt.date(2010, 11, 5),
        10,
        12,
    ),
    (
        "learner6@northgate.example",
        "Maya Clarke",
        "northgate",
        "603/5681/9",
        [],
        None,
        "assessor@northgate.example",
        dt.date(1995, 2, 14),
        400,
        12,
    ),
    (
        "learner1@southbank.example",
        "Olivia Hart",
        "southbank",
        "600/5472/4",
        [],
        None,
        "assessor@southbank.example",
        dt.date(2003, 8, 21),
        60,
        9,
    ),
    (  # an apprentice near the end of his apprenticeship, ready for the gateway (demo.gateway)
        "learner7@northgate.example",
        "Rhys Morgan",
        "northgate",
        "603/4687/5",
        [],
        "face-to-face",
        "assessor@northgate.example",
        dt.date(2003, 5, 19),
        380,
        13,
    ),
]
IQA = {"northgate": "iqa@northgate.example", "southbank": "admin@southbank.example"}
ADMIN = {"northgate": "admin@northgate.example", "southbank": "admin@southbank.example"}


def demo_uln(n: int) -> str:
    """A valid ULN (10 digits, correct check digit) made from a small number."""
    base = 4_000_000_000 // 10 + n * 7
    while True:
        digits = str(base)[:9]
        remainder = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if remainder != 0:
            return digits + str(10 - remainder)
        base += 1


# Occupational competence of the demo staff, for every qualification in the catalogue, by email: (experience,
# evidence, verified by the centre admin).
COMPETENCE = {
    "assessor@northgate.example": (
        "Twelve years in retail and contact-centre customer service; team leader since 2019.",
        "CV; Highfield Level 3 Diploma in Customer Service certificate; employer's reference.",
        True,
    ),
    "trainee@northgate.example": (
        "Five years as a customer service adviser in a housing association.",
        "CV; Level 2 Certificate in Customer Service certificate.",
        True,
    ),
    "iqa@northgate.example": (
        "Former customer service manager; qualified assessor and IQA.",
        "CV; Level 3 Diploma in Customer Service; A1 and V1 certificates.",
        True,
    ),
    "iqa-trainee@northgate.example": (
        "Eight years as a contact-centre team leader; assessor of customer service since 2021.",
        "CV; Level 3 Certificate in Assessing Vocational Achievement certificate.",
        True,
    ),
    # Southbank's only admin is the IQA herself: nobody else there can verify it yet.
    "admin@southbank.example": (
        "Curriculum manager for business and customer service; qualified IQA.",
        "CV; V1 certificate.",
        False,
    ),
    "assessor@southbank.example": (
        "Hospitality front-of-house supervisor for eight years.",
        "CV; employer's reference.",
        True,
    ),
}


def _competence(users: dict, centres: dict) -> None:
    for email, (experience, evidence, verify) in COMPETENCE.items():
        key = email.split("@")[1].split(".")[0]
        user, centre, admin = users[email], centres[key], users[ADMIN[key]]
        for qualification in Qualification.objects.order_by("number"):
            competence = OccupationalCompetence.objects.covering(
                centre=centre, user=user, qualification=qualification
            ).first()
            if competence is None:
                competence = record_competence(
                    actor=admin,
                    centre=centre,
                    user=user,
                    qualification=qualification,
                    sector_experience=experience,
                    evidence=evidence,
                )
            if verify and competence.verified_by_id is None:
                verify_competence(actor=admin, competence=competence)


def seed(context: dict) -> None:
    password = context["password"]
    users = context["users"]
    centres = context["centres"]
    registrations = context.setdefault("registrations", {})
    _competence(users, centres)
    today = timezone.localdate()
    for index, (email, name, centre_key, number, unit_refs, pathway, assessor, born, days_ago, months) in enumerate(
        LEARNERS, start=1
    ):
        learner = demo_user(email, name, password)
        users[email] = learner
        centre = centres[centre_key]
        qualification = Qualification.objects.get(number=number)
        registration = Registration.objects.filter(centre=centre, learner=learner, qualification=qualification).first()
        if registration is None:
            start = today - dt.timedelta(days=days_ago)
            identity_checked = email != "learner6@northgate.example"  # one left for the admin's attention list
            registration = register_learner(
                actor=users[ADMIN[centre_key]],
                centre=centre,
                data=RegistrationInput(
                    email=email,
                    full_name=name,
                    date_of_birth=born,
                    qualification=qualification,
                    start_date=start,
                    planned_end_date=start + dt.timedelta(days=months * 30),
                    assessor=users[assessor],
                    iqa=users[IQA[centre_key]],
                    pathway=Pathway.objects.get(code=pathway) if pathway else None,
                    optional_units=list(Unit.objects.filter(reference__in=unit_refs)),
                    uln=demo_uln(index),
                    awarding_body_registration_number=f"HF{24000 + index}" if number != "603/5681/9" else "",
                    id_document_type="Passport" if identity_checked else "",
                    id_checked_by=users[ADMIN[centre_key]] if identity_checked else None,
                    id_checked_on=start if identity_checked else None,
                ),
                # Ethan's Diploma after his Award is a progression: the admin acknowledges the similar-title warning,
                # and his registration's history shows it.
                acknowledge_all_warnings=True,
            )
        # A learner's first registration is theirs in `registrations`; a later one (a progression) is kept by
        # learner and qualification number in `further_registrations`.
        on_pathway = f", {registration.pathway.name} pathway" if registration.pathway else ""
        if email in registrations:
            context.setdefault("further_registrations", {})[(email, number)] = registration
            context["logins"].append((email, f"  and: {qualification.title} ({number}{on_pathway})"))
        else:
            registrations[email] = registration
            context["logins"].append((email, f"Learner: {qualification.title} ({number}{on_pathway})"))
    _declared_interest(users, centres)


def _declared_interest(users: dict, centres: dict) -> None:
    """Aisha Khan (trainee assessor) is Ethan Brooks's cousin: declared, so she may neither assess nor quality-assure
    him (he is Marcus Reid's learner, so nothing of hers has to move)."""
    centre, staff = centres["northgate"], users["trainee@northgate.example"]
    learner = users["learner5@northgate.example"]
    if not PersonalInterest.objects.declared(centre=centre, staff=staff, learner=learner).exists():
        declare_personal_interest(
            actor=users["admin@northgate.example"],
            centre=centre,
            staff=staff,
            learner=learner,
            description="Ethan Brooks is Aisha Khan's cousin.",
        )
