"""The assessment location of a piece of evidence: recorded on the form (with the centre's places offered),
kept by new versions, shown on the evidence page, and never offered to another centre."""

import pytest
from django.urls import reverse

from centres.models import Event
from portfolio.models import Evidence
from portfolio.services import PortfolioError
from portfolio.services.evidence import create_evidence, new_version
from portfolio.services.judgement import judge_link
from qualifications.models import AssessmentMethod
from tests import samples
from tests.portfolio.helpers import UNIT_A, criteria_of, link_for, login, make_evidence, stored_files, today

pytestmark = pytest.mark.django_db


def _form(**extra):
    methods = [str(pk) for pk in AssessmentMethod.objects.filter(code="RA").values_list("pk", flat=True)]
    return {
        "title": "My account of the till",
        "date": today(1).isoformat(),
        "description": "Served customers",
        "methods": methods,
        "submission_token": "t-location",
        **extra,
    }


def test_location_is_tidied_stored_and_in_the_history(world):
    evidence = create_evidence(
        actor=world.learner,
        registration=world.registration,
        title="Till log",
        date=today(1),
        methods=["PE"],
        description="Log",
        location="  Workplace:   Northgate   store ",
    )
    assert evidence.location == "Workplace: Northgate store"
    event = Event.objects.get(action="evidence.created")
    assert event.data["location"] == "Workplace: Northgate store"


def test_location_is_optional_and_a_too_long_one_is_refused_leaving_no_file(world, media_root):
    evidence = make_evidence(world.registration)
    assert evidence.location == ""
    with pytest.raises(PortfolioError, match="assessment location to 200 characters"):
        create_evidence(
            actor=world.learner,
            registration=world.registration,
            title="Till log",
            date=today(1),
            methods=["PE"],
            location="x" * 201,
            files=[samples.upload("log.pdf", samples.pdf_bytes())],
        )
    assert Evidence.objects.count() == 1
    assert len(stored_files(media_root)) == 1  # the first piece's file only


def _rejected(world, criterion, location):
    evidence = make_evidence(world.registration, criteria=[criterion])
    Evidence.objects.filter(pk=evidence.pk).update(location=location)
    evidence.refresh_from_db()
    judge_link(actor=world.assessor, link=link_for(evidence, criterion), accepted=False, feedback="Add detail.")
    return evidence


def test_new_version_keeps_the_location_unless_changed(world):
    first, second = criteria_of(UNIT_A, 2)
    kept = new_version(actor=world.learner, evidence=_rejected(world, first, "Training centre"))
    changed = new_version(actor=world.learner, evidence=_rejected(world, second, "Training centre"), location="Remote")
    assert (kept.location, changed.location) == ("Training centre", "Remote")
    assert Event.objects.filter(action="evidence.new_version", data__location="Remote").exists()


def test_form_saves_the_location_and_the_page_shows_it(client, world, media_root):
    login(client, world.learner)
    response = client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        _form(location="Workplace: Northgate store", files=[samples.upload("a.pdf", samples.pdf_bytes())]),
    )
    evidence = Evidence.objects.get()
    assert response["Location"] == reverse("portfolio:evidence-link", args=[evidence.pk])
    assert evidence.location == "Workplace: Northgate store"
    page = client.get(reverse("portfolio:evidence-detail", args=[evidence.pk])).text
    assert "Assessment location" in page and "Workplace: Northgate store" in page


def test_form_offers_the_locations_used_at_the_centre_and_no_other_centres(client, world):
    make_evidence(world.other_registration)
    make_evidence(world.other_centre_registration)
    Evidence.objects.filter(registration=world.other_registration).update(location="Workplace: Harbour Housing")
    Evidence.objects.filter(registration=world.other_centre_registration).update(location="Secret Elsewhere Ltd")
    login(client, world.learner)
    page = client.get(reverse("portfolio:evidence-create", args=[world.registration.pk])).text
    assert 'list="evidence-locations"' in page
    assert '<option value="Workplace: Harbour Housing">' in page
    assert "Secret Elsewhere Ltd" not in page


def test_form_without_locations_at_the_centre_has_a_plain_field(client, world):
    login(client, world.learner)
    page = client.get(reverse("portfolio:evidence-create", args=[world.registration.pk])).text
    assert 'name="location"' in page and "evidence-locations" not in page
