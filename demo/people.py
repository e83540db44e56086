"""Demo centres, staff and an EQA (see `manage.py seed_demo`). Idempotent: running again changes nothing."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from centres import services
from centres.models import (
    AssessorAward,
    Centre,
    CompetenceStatus,
    CpdEntry,
    EqaLink,
    IqaAward,
    Membership,
    Role,
    User,
)

CENTRES = {
    "northgate": ("Northgate Training", "HF-104217"),
    "southbank": ("Southbank College", "HF-207381"),
}

PEOPLE = {
    "admin@northgate.example": "Helen Carter",
    "assessor@northgate.example": "Marcus Reid",
    "trainee@northgate.example": "Aisha Khan",
    "iqa@northgate.example": "David Owens",
    "iqa-trainee@northgate.example": "Priya Shah",
    "admin@southbank.example": "Rachel Moss",
    "assessor@southbank.example": "Tom Fletcher",
    "eqa@awarding.example": "Susan Price",
}


def demo_user(email: str, full_name: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    else:
        changed = []
        if not user.check_password(password):
            user.set_password(password)
            changed.append("password")
        if not user.is_active:
            user.is_active = True
            changed.append("is_active")
        if changed:
            user.save(update_fields=changed)
    return user


def _membership(user, centre, role, **credential) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, centre=centre, role=role, defaults={"is_active": True, **credential}
    )
    return membership


def _held(award, number: str, awarded_on: dt.date) -> dict:
    return {
        "status": CompetenceStatus.QUALIFIED,
        "countersignatory": None,
        "award": award,
        "certificate_number": number,
        "awarded_on": awarded_on,
        "registered_on": None,
    }


def _working_towards(award, registered_on: dt.date, countersignatory: User) -> dict:
    return {
        "status": CompetenceStatus.WORKING_TOWARDS,
        "countersignatory": countersignatory,
        "award": award,
        "certificate_number": "",
        "awarded_on": None,
        "registered_on": registered_on,
    }


# CPD by email: [(days ago, activity, hours, reflection)]. Occupational competence is seeded with the registrations.
CPD = {
    "assessor@northgate.example": [
        (
            40,
            "Assessor standardisation meeting (customer service)",
            "3",
            "Agreed what sufficient product evidence looks like for complaint handling; "
            "I now ask for the customer's follow-up too.",
        )
    ],
    "trainee@northgate.example": [
        (
            75,
            "Observed two assessments by Marcus Reid",
            "4",
            "Saw how he plans holistic observations across units; I will plan mine the same way.",
        )
    ],
    "iqa@northgate.example": [
        (
            20,
            "Highfield EQA update webinar",
            "1.5",
            "New guidance on sampling strategy; my plan now weights trainee assessors at 100%.",
        )
    ],
    "iqa-trainee@northgate.example": [
        (
            30,
            "Shadowed David Owens on an interim sample",
            "3",
            "Learnt to check that each method is covered over the year, not in every sample.",
        ),
        (150, "Level 4 IQA award: unit 1 workshop", "6", "The principles of IQA; I drafted my first sampling plan."),
    ],
    "admin@southbank.example": [
        (100, "Internal standardisation day", "5", "Compared judgements on three portfolios; agreed feedback wording.")
    ],
    # Older than the centre's 12 months: the staff list and the EQA see a warning.
    "assessor@southbank.example": [
        (
            430,
            "Customer service in hospitality: short course",
            "7",
            "Refreshed complaint handling; used it in my questioning.",
        )
    ],
}


def _cpd(users: dict, centres: dict) -> None:
    today = timezone.localdate()
    for email, entries in CPD.items():
        user, centre = users[email], centres[email.split("@")[1].split(".")[0]]
        for days_ago, activity, hours, reflection in entries:
            if not CpdEntry.objects.filter(centre=centre, user=user, activity=activity).exists():
                services.add_cpd_entry(
                    actor=user,
                    centre=centre,
                    user=user,
                    date=today - dt.timedelta(days=days_ago),
                    activity=activity,
                    hours=Decimal(hours),
                    reflection=reflection,
                )


def seed(context: dict) -> None:
    password = context["password"]
    centres = context.setdefault("centres", {})
    users = context.setdefault("users", {})
    for key, (name, number) in CENTRES.items():
        centre, _ = Centre.objects.get_or_create(centre_number=number, defaults={"name": name})
        centres[key] = centre
    for email, full_name in PEOPLE.items():
        users[email] = demo_user(email, full_name, password)

    northgate, southbank = centres["northgate"], centres["southbank"]
    _membership(users["admin@northgate.example"], northgate, Role.CENTRE_ADMIN)
    _membership(
        users["assessor@northgate.example"],
        northgate,
        Role.ASSESSOR,
        **_held(AssessorAward.A1, "A1-0418822", dt.date(2015, 7, 14)),
    )
    _membership(
        users["trainee@northgate.example"],
        northgate,
        Role.ASSESSOR,
        **_working_towards(AssessorAward.L3_CAVA, dt.date(2026, 2, 2), users["assessor@northgate.example"]),
    )
    _membership(
        users["iqa@northgate.example"], northgate, Role.IQA, **_held(IqaAward.V1, "V1-0091273", dt.date(2012, 3, 9))
    )
    _membership(
        users["iqa-trainee@northgate.example"],
        northgate,
        Role.IQA,
        **_working_towards(IqaAward.L4_AIQA, dt.date(2026, 4, 20), users["iqa@northgate.example"]),
    )
    _membership(users["admin@southbank.example"], southbank, Role.CENTRE_ADMIN)
    # One person may hold several roles: Southbank's admin is also its IQA.
    _membership(
        users["admin@southbank.example"],
        southbank,
        Role.IQA,
        **_held(IqaAward.HIGHFIELD_L4_IQA, "HQ-IQA-552019", dt.date(2019, 11, 1)),
    )
    _membership(
        users["assessor@southbank.example"],
        southbank,
        Role.ASSESSOR,
        **_held(AssessorAward.D32_D33, "D3233-771045", dt.date(2009, 5, 22)),
    )
    _cpd(users, centres)
    for centre in (northgate, southbank):
        EqaLink.objects.update_or_create(
            user=users["eqa@awarding.example"], centre=centre, defaults={"is_active": True}
        )

    context["logins"].extend(
        [
            ("admin@northgate.example", "Northgate Training: centre admin"),
            ("assessor@northgate.example", "Northgate Training: qualified assessor"),
            ("trainee@northgate.example", "Northgate Training: assessor working towards the award"),
            ("iqa@northgate.example", "Northgate Training: IQA"),
            ("iqa-trainee@northgate.example", "Northgate Training: IQA working towards the award, with CPD"),
            ("admin@southbank.example", "Southbank College: centre admin and IQA"),
            ("assessor@southbank.example", "Southbank College: assessor"),
            ("eqa@awarding.example", "EQA for both centres"),
        ]
    )
