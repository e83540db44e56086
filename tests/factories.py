"""Small helpers that build test data. `build_world()` makes the cast every permission test needs."""

import datetime as dt
import itertools
from dataclasses import dataclass

from django.test import Client

from centres.models import (
    AssessorAward,
    Centre,
    CompetenceStatus,
    EqaLink,
    IqaAward,
    Membership,
    Role,
    User,
)
from centres.services import Credential
from portfolio.models import OccupationalCompetence, Registration, RegistrationUnit
from qualifications.models import Pathway, Qualification

PASSWORD = "test-pass-2026"
_numbers = itertools.count(1)

NVQ = "600/5469/4"  # mandatory units + optional groups A-D
CERTIFICATE = "600/5472/4"  # two mandatory units
DIPLOMA_SKILLS = "603/4687/5"  # pathways face-to-face / non-facing


def client_for(user) -> Client:
    """A test client signed in as this user, through the real sign-in (its checks included)."""
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def make_user(email: str | None = None, full_name: str = "", **extra) -> User:
    n = next(_numbers)
    email = email or f"user{n}@example.test"
    return User.objects.create_user(email=email, password=PASSWORD, full_name=full_name or f"Person {n}", **extra)


def make_centre(name: str | None = None) -> Centre:
    n = next(_numbers)
    return Centre.objects.create(name=name or f"Centre {n}", centre_number=f"C{n:05d}")


def make_staff(centre: Centre, role: str, user: User | None = None, *, competent_for=None, **extra) -> User:
    """A member of staff. Assessors and IQAs hold their award (or work towards it, when `status` says so) and are
    recorded occupationally competent for every qualification in the catalogue, unless `competent_for` lists
    the qualification numbers they are competent for."""
    user = user or make_user(full_name=f"{Role(role).label} {next(_numbers)}")
    if role != Role.CENTRE_ADMIN:
        working_towards = extra.get("status") == CompetenceStatus.WORKING_TOWARDS
        award = AssessorAward.L3_CAVA if role == Role.ASSESSOR else IqaAward.L4_AIQA
        defaults = {"award": award, "registered_on": dt.date(2025, 9, 1)}
        if not working_towards:
            defaults = {
                "award": award,
                "certificate_number": f"CERT-{next(_numbers)}",
                "awarded_on": dt.date(2020, 6, 1),
            }
        extra = {**defaults, **extra}
    Membership.objects.create(user=user, centre=centre, role=role, **extra)
    if role != Role.CENTRE_ADMIN:
        make_competence(centre, user, competent_for)
    return user


def make_competence(centre: Centre, user: User, numbers: list[str] | None = None) -> None:
    """Record `user` occupationally competent for the qualifications numbered (all when None)."""
    qualifications = (
        Qualification.objects.all() if numbers is None else Qualification.objects.filter(number__in=numbers)
    )
    OccupationalCompetence.objects.bulk_create(
        [
            OccupationalCompetence(
                centre=centre,
                user=user,
                qualification=qualification,
                sector_experience="Five years in customer service.",
                evidence="CV and certificates seen.",
            )
            for qualification in qualifications
        ],
        ignore_conflicts=True,
    )


def _identity(extra: dict, *, checked_by: User, on: dt.date) -> dict:
    if not extra.pop("identity_confirmed", True) or "id_checked_on" in extra:
        return {}
    return {"id_document_type": "Passport", "id_checked_by": checked_by, "id_checked_on": on}


def make_registration(
    centre: Centre,
    learner: User | None = None,
    *,
    assessor: User,
    iqa: User,
    qualification: str | Qualification = CERTIFICATE,
    optional_units: list[str] | None = None,
    pathway: str | None = None,
    **extra,
) -> Registration:
    if isinstance(qualification, str):
        qualification = Qualification.objects.get(number=qualification)
    learner = learner or make_user(full_name=f"Learner {next(_numbers)}")
    today = dt.date.today()
    registration = Registration.objects.create(
        centre=centre,
        learner=learner,
        qualification=qualification,
        pathway=Pathway.objects.get(code=pathway) if pathway else None,
        assessor=assessor,
        iqa=iqa,
        date_of_birth=extra.pop("date_of_birth", dt.date(2000, 1, 1)),
        uln=extra.pop("uln", ""),
        start_date=extra.pop("start_date", today - dt.timedelta(days=60)),
        planned_end_date=extra.pop("planned_end_date", today + dt.timedelta(days=300)),
        # Identity confirmed unless a test says otherwise (identity_confirmed=False): nothing is judged before it.
        **_identity(extra, checked_by=assessor, on=today - dt.timedelta(days=60)),
        **extra,
    )
    memberships = qualification.memberships.select_related("unit")
    chosen = set(optional_units or [])
    plan = [
        RegistrationUnit(registration=registration, unit=m.unit, chosen=m.unit.reference in chosen)
        for m in memberships
        if m.mandatory or qualification.all_units or m.unit.reference in chosen
    ]
    RegistrationUnit.objects.bulk_create(plan)
    return registration


@dataclass
class World:
    centre: Centre
    admin: User
    assessor: User
    trainee: User
    iqa: User
    learner: User
    registration: Registration
    other_learner: User
    other_registration: Registration
    trainee_registration: Registration
    other_assessor: User
    other_centre: Centre
    other_admin: User
    other_centre_assessor: User
    other_centre_registration: Registration
    eqa: User


def build_world() -> World:
    centre = make_centre("Northgate Training")
    admin = make_staff(centre, Role.CENTRE_ADMIN)
    assessor = make_staff(centre, Role.ASSESSOR)
    trainee = make_staff(centre, Role.ASSESSOR, status=CompetenceStatus.WORKING_TOWARDS, countersignatory=assessor)
    other_assessor = make_staff(centre, Role.ASSESSOR)
    iqa = make_staff(centre, Role.IQA)
    learner = make_user(full_name="Lena Learner")
    registration = make_registration(centre, learner, assessor=assessor, iqa=iqa)
    other_learner = make_user(full_name="Omar Other")
    other_registration = make_registration(centre, other_learner, assessor=other_assessor, iqa=iqa)
    trainee_registration = make_registration(centre, assessor=trainee, iqa=iqa)

    other_centre = make_centre("Southbank College")
    other_admin = make_staff(other_centre, Role.CENTRE_ADMIN)
    other_centre_assessor = make_staff(other_centre, Role.ASSESSOR)
    other_centre_iqa = make_staff(other_centre, Role.IQA)
    other_centre_registration = make_registration(other_centre, assessor=other_centre_assessor, iqa=other_centre_iqa)
    eqa = make_user(full_name="Eve External")
    EqaLink.objects.create(user=eqa, centre=centre)
    EqaLink.objects.create(user=eqa, centre=other_centre)
    return World(
        centre=centre,
        admin=admin,
        assessor=assessor,
        trainee=trainee,
        iqa=iqa,
        learner=learner,
        registration=registration,
        other_learner=other_learner,
        other_registration=other_registration,
        trainee_registration=trainee_registration,
        other_assessor=other_assessor,
        other_centre=other_centre,
        other_admin=other_admin,
        other_centre_assessor=other_centre_assessor,
        other_centre_registration=other_centre_registration,
        eqa=eqa,
    )


def held_award(role: str = Role.ASSESSOR) -> Credential:
    """A credential for an assessor or IQA who holds their award (as the specifications name it)."""
    award = AssessorAward.L3_CAVA if role == Role.ASSESSOR else IqaAward.L4_AIQA
    return Credential(award=award, certificate_number="CERT-0001", awarded_on=dt.date(2020, 6, 1))
