import io

import pytest
from django.core.management import call_command

from centres.models import CompetenceStatus, EqaLink, Membership, Role, User
from portfolio.models import Registration

pytestmark = pytest.mark.django_db

PASSWORD = "demo-pass-2026"


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_creates_the_demo_cast_and_is_idempotent():
    seed()
    counts = (User.objects.count(), Membership.objects.count(), Registration.objects.count(), EqaLink.objects.count())
    seed()
    assert (
        User.objects.count(),
        Membership.objects.count(),
        Registration.objects.count(),
        EqaLink.objects.count(),
    ) == counts

    for email in [
        "admin@northgate.example",
        "assessor@northgate.example",
        "trainee@northgate.example",
        "iqa@northgate.example",
        "admin@southbank.example",
        "assessor@southbank.example",
        "eqa@awarding.example",
        *[f"learner{n}@northgate.example" for n in range(1, 8)],
        "learner1@southbank.example",
    ]:
        assert User.objects.get(email=email).check_password(PASSWORD), email

    trainee = Membership.objects.get(user__email="trainee@northgate.example", role=Role.ASSESSOR)
    assert trainee.status == CompetenceStatus.WORKING_TOWARDS
    assert trainee.countersignatory.email == "assessor@northgate.example"
    assert Membership.objects.get(user__email="iqa@northgate.example").role == Role.IQA
    assert set(EqaLink.objects.filter(user__email="eqa@awarding.example").values_list("centre__name", flat=True)) == {
        "Northgate Training",
        "Southbank College",
    }

    northgate = Registration.objects.filter(centre__name="Northgate Training")
    assert northgate.values("learner").distinct().count() == 7
    nvq = northgate.get(qualification__number="600/5469/4")
    assert nvq.learner.email == "learner1@northgate.example"
    assert nvq.assessor.email == "assessor@northgate.example"
    assert nvq.plan.filter(chosen=True).count() >= 4
    pathways = set(northgate.filter(qualification__number="603/4687/5").values_list("pathway__code", flat=True))
    assert pathways == {"face-to-face", "non-facing"}
    assert northgate.filter(assessor__email="trainee@northgate.example").exists()
    numbers = set(northgate.values_list("qualification__number", flat=True))
    assert {"600/5472/4", "603/5681/9", "603/4351/5"} <= numbers
    southbank = Registration.objects.get(learner__email="learner1@southbank.example")
    assert southbank.centre.name == "Southbank College"
