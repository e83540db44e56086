"""The staff home pages' reads are built once per process (core.compiled): on a second visit Django compiles no
SQL for them (a centre admin's home still builds a few reads, which its test names)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import Invitation
from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink, Registration
from tests.factories import client_for, make_registration, make_user
from tests.sql_building import compiled_selects
from tracking.services.signoff import sign_unit

from .helpers import complete_unit, first_unit

pytestmark = pytest.mark.django_db


def _compiled_on_second_visit(user) -> list:
    client = client_for(user)
    assert client.get(reverse("home")).status_code == 200
    with compiled_selects() as compiled:
        page = client.get(reverse("home"))
    assert page.status_code == 200
    return [model.__name__ for model in compiled]


def test_an_assessors_home_builds_no_sql_on_a_second_visit(world, completed, settings):
    settings.COMPILED_READS_VERIFY = False  # the check compiles each read afresh, by design
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    Registration.objects.filter(pk=world.registration.pk).update(id_checked_on=None)
    # The trainee's decisions wait for the assessor's countersignature: counted in a panel, listed in "Waiting".
    complete_unit(world.trainee_registration, first_unit(world.trainee_registration), by=world.trainee)
    awaiting = {"countersign_status": CountersignStatus.AWAITING}
    decisions = CriterionDecision.objects.filter(registration=world.trainee_registration)
    decisions.filter(pk=decisions.order_by("pk").first().pk).update(**awaiting)
    EvidenceLink.objects.filter(evidence__registration=world.trainee_registration).update(**awaiting)
    page = client_for(world.assessor).get(reverse("home")).content.decode()
    assert f"Countersign {world.trainee.full_name}&#x27;s decision on unit" in page
    assert f"Countersign {world.trainee.full_name}&#x27;s judgement of evidence" in page and "Sign unit" in page
    assert _compiled_on_second_visit(world.assessor) == []


def test_an_admins_home_builds_sql_only_for_the_readiness_count_and_the_apprenticeships_to_set_up(world, settings):
    settings.COMPILED_READS_VERIFY = False
    make_registration(world.centre, make_user(full_name="Nina Nocheck"), assessor=world.assessor, iqa=world.iqa)
    Registration.objects.filter(centre=world.centre).update(id_checked_on=None)
    now = timezone.now()
    for name, expires_at in (("Ivy Invited", now + dt.timedelta(days=7)), ("Evan Expired", now - dt.timedelta(1))):
        Invitation.objects.create(
            user=make_user(full_name=name),
            centre=world.centre,
            kind=Invitation.Kind.LEARNER,
            token_hash=name.ljust(64, "x"),
            created_by=world.admin,
            expires_at=expires_at,
        )
    page = client_for(world.admin).get(reverse("home")).content.decode()
    assert "Nina Nocheck" in page and "Ivy Invited" in page and "Evan Expired" not in page
    # Left: the readiness count's two reads, of whichever registrations its caller gives it (those that may be
    # ready, with the subqueries that decide it; those not yet claimed), and the apprenticeships still to set up.
    may_be_ready = [
        "Registration",
        "CertificationClaim",
        "RegistrationUnit",
        "CarriedOverUnit",
        "ImportedUnit",
        "Signature",
    ]
    assert _compiled_on_second_visit(world.admin) == [
        *may_be_ready,
        "Registration",
        "CertificationClaim",
        "Registration",
    ]


def test_an_iqas_home_builds_no_sql_on_a_second_visit(world, settings):
    from tests.quality.helpers import make_plan

    settings.COMPILED_READS_VERIFY = False
    make_plan(world)  # covering today: its coverage and proposals are on the home page
    # With a trainee IQA's sample waiting too: tests/quality/test_iqa_countersign.py.
    assert _compiled_on_second_visit(world.iqa) == []
