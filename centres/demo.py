"""Demo centres, staff and an EQA (see `manage.py seed_demo`). Idempotent: running again changes nothing."""

from .models import Centre, CompetenceStatus, EqaLink, Membership, Role, User

CENTRES = {
    "northgate": ("Northgate Training", "HF-104217"),
    "southbank": ("Southbank College", "HF-207381"),
}

PEOPLE = {
    "admin@northgate.example": "Helen Carter",
    "assessor@northgate.example": "Marcus Reid",
    "trainee@northgate.example": "Aisha Khan",
    "iqa@northgate.example": "David Owens",
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
        status=CompetenceStatus.QUALIFIED,
        countersignatory=None,
        competence_notes="Twelve years in retail and contact-centre customer service; team leader since 2019.",
        cpd_notes="Assessor standardisation, March; Highfield customer service update webinar, June.",
    )
    _membership(
        users["trainee@northgate.example"],
        northgate,
        Role.ASSESSOR,
        status=CompetenceStatus.WORKING_TOWARDS,
        countersignatory=users["assessor@northgate.example"],
        competence_notes="Five years as a customer service adviser in a housing association.",
        cpd_notes="Working towards the Level 3 Certificate in Assessing Vocational Achievement.",
    )
    _membership(
        users["iqa@northgate.example"],
        northgate,
        Role.IQA,
        status=CompetenceStatus.QUALIFIED,
        countersignatory=None,
        competence_notes="Former customer service manager; qualified assessor and IQA.",
        cpd_notes="IQA standardisation meeting each quarter.",
    )
    _membership(users["admin@southbank.example"], southbank, Role.CENTRE_ADMIN)
    # One person may hold several roles: Southbank's admin is also its IQA.
    _membership(
        users["admin@southbank.example"],
        southbank,
        Role.IQA,
        status=CompetenceStatus.QUALIFIED,
        countersignatory=None,
        competence_notes="Qualified IQA; curriculum manager for business and customer service.",
    )
    _membership(
        users["assessor@southbank.example"],
        southbank,
        Role.ASSESSOR,
        status=CompetenceStatus.QUALIFIED,
        countersignatory=None,
        competence_notes="Hospitality front-of-house supervisor for eight years.",
    )
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
            ("admin@southbank.example", "Southbank College: centre admin and IQA"),
            ("assessor@southbank.example", "Southbank College: assessor"),
            ("eqa@awarding.example", "EQA for both centres"),
        ]
    )
