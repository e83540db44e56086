"""Hostile values in ids, ULNs, CSV files and free text read outside a form: each is refused with a message,
stores nothing and never gives a 500 (on SQLite or PostgreSQL)."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from centres.params import parse_id, parse_ids
from portfolio.models import EvidenceLink, Registration
from portfolio.services import registration as registration_services
from portfolio.services.registration import CSV_HEADER
from qualifications.models import Qualification, Unit
from tests.registrations.helpers import form_data
from tests.security.flows import evidence_for_unit

pytestmark = pytest.mark.django_db

NVQ_UNITS = ["R/601/1209", "A/601/1205", "M/601/1508", "A/601/1530"]
SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no


def csv_row(world, **values) -> dict:
    today = dt.date.today()
    base = dict.fromkeys(CSV_HEADER, "")
    base.update(
        full_name="Bulk Learner",
        email="bulk1@example.test",
        date_of_birth="2001-02-03",
        qualification="600/5472/4",
        start_date=today.isoformat(),
        planned_end_date=(today + dt.timedelta(days=300)).isoformat(),
        assessor_email=world.assessor.email,
        iqa_email=world.iqa.email,
    )
    base.update(values)
    return base


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload_csv(client, world, content: bytes):
    file = SimpleUploadedFile("learners.csv", content, content_type="text/csv")
    return client.post(reverse("portfolio:registration-bulk", args=[world.centre.pk]), {"file": file})


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


# --- the one parser of ids --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "١٢", "12²", "-1", "1.0", " ", "", None, "1" * 19, "0x1f"])
def test_values_that_are_not_plain_ascii_numbers_are_not_ids(value):
    assert parse_id(value) is None


def test_plain_numbers_are_ids_and_the_rest_are_reported():
    assert parse_id("42") == 42 and parse_id(" 7 ") == 7 and parse_id("9" * 18) == int("9" * 18)
    assert parse_ids(["3", "²", "4"]) == ([3, 4], ["²"])


# --- ULNs --------------------------------------------------------------------------------------------------


def test_unicode_digit_in_a_uln_is_refused_on_the_form(admin_client, world):
    certificate = Qualification.objects.get(number="600/5472/4")
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = admin_client.post(url, form_data(world, certificate, uln="123456789" + SUPERSCRIPT_TWO))
    assert response.status_code == 200
    assert "A ULN is exactly 10 digits (0 to 9)." in response.content.decode()
    assert not Registration.objects.filter(learner__email="nina@example.test").exists()


def test_valid_uln_is_still_accepted_on_the_form(admin_client, world):
    certificate = Qualification.objects.get(number="600/5472/4")
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = admin_client.post(url, form_data(world, certificate, uln="1234567899"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Registration.objects.get(learner__email="nina@example.test").uln == "1234567899"


def test_unicode_digit_in_a_csv_uln_is_reported_on_its_row(admin_client, world):
    response = upload_csv(admin_client, world, csv_bytes([csv_row(world, uln="12345678" + "²" * 2)]))
    assert response.status_code == 200
    assert "A ULN is exactly 10 digits (0 to 9)." in response.content.decode()


# --- ids in request parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, "9" * 40])
def test_bad_qualification_parameter_shows_the_list_with_a_message(admin_client, world, bad):
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = admin_client.get(url, {"qualification": bad})
    assert response.status_code == 200
    assert "is not a qualification here: choose one from the list." in response.content.decode()


@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, "9" * 40])
def test_bad_optional_unit_in_the_unit_check_is_refused(admin_client, world, bad):
    nvq = Qualification.objects.get(number="600/5469/4")
    response = admin_client.get(
        reverse("portfolio:registration-check-units"), {"qualification": nvq.pk, "optional_units": [bad]}
    )
    assert response.status_code == 400
    assert "is not a unit or pathway of this qualification" in response.content.decode()


def test_bad_pathway_in_the_unit_check_is_refused(admin_client, world):
    nvq = Qualification.objects.get(number="600/5469/4")
    response = admin_client.get(
        reverse("portfolio:registration-check-units"), {"qualification": nvq.pk, "pathway": SUPERSCRIPT_TWO}
    )
    assert response.status_code == 400


def test_bad_qualification_in_the_unit_check_is_not_found(admin_client, world):
    response = admin_client.get(reverse("portfolio:registration-check-units"), {"qualification": SUPERSCRIPT_TWO})
    assert response.status_code == 404


def test_good_ids_in_the_unit_check_are_still_judged(admin_client, world):
    nvq = Qualification.objects.get(number="600/5469/4")
    units = Unit.objects.filter(reference__in=NVQ_UNITS)
    response = admin_client.get(
        reverse("portfolio:registration-check-units"),
        {"qualification": nvq.pk, "optional_units": [unit.pk for unit in units]},
    )
    assert response.status_code == 200 and "can achieve the qualification" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "message"),
    [("optional_units", "is not an optional unit of this qualification"), ("pathway", "this qualification")],
)
@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, "9" * 40])
def test_bad_unit_or_pathway_posted_in_the_form_is_refused(admin_client, world, field, message, bad):
    nvq = Qualification.objects.get(number="600/5469/4")
    url = reverse("portfolio:registration-create", args=[world.centre.pk])
    response = admin_client.post(url, {**form_data(world, nvq), field: [bad]})
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Registration.objects.filter(learner__email="nina@example.test").exists()


def test_bad_link_id_in_a_judgement_is_refused(world):
    from django.test import Client

    evidence = evidence_for_unit(world.registration, world.registration.plan.first().unit)
    client = Client()
    client.force_login(world.assessor)
    response = client.post(
        reverse("portfolio:evidence-judge", args=[evidence.pk]), {f"decision-{SUPERSCRIPT_TWO}": "accept"}
    )
    assert response.status_code == 200
    assert "not linked to this evidence" in response.content.decode()


@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, "9" * 40])
def test_bad_criterion_id_in_the_picker_changes_nothing(world, bad):
    from portfolio.services import PortfolioError
    from portfolio.services.evidence import save_links

    evidence = evidence_for_unit(world.registration, world.registration.plan.first().unit)
    before = set(evidence.links.values_list("criterion_id", flat=True))
    with pytest.raises(PortfolioError, match="not on this learner's plan"):
        save_links(actor=world.learner, evidence=evidence, criterion_ids=[*before, bad])
    assert set(evidence.links.values_list("criterion_id", flat=True)) == before


# --- NUL bytes -----------------------------------------------------------------------------------------------


def _rejection_post(evidence, feedback: str) -> dict:
    link = evidence.links.first()
    return {f"decision-{link.pk}": "reject", f"feedback-{link.pk}": feedback}


def test_nul_byte_in_assessor_feedback_is_refused_and_nothing_is_stored(world):
    from django.test import Client

    evidence = evidence_for_unit(world.registration, world.registration.plan.first().unit)
    client = Client()
    client.force_login(world.assessor)
    response = client.post(
        reverse("portfolio:evidence-judge", args=[evidence.pk]), _rejection_post(evidence, "Add\x00 the reply")
    )
    assert response.status_code == 200
    assert "NUL character" in response.content.decode()
    assert not EvidenceLink.objects.filter(evidence=evidence, status=EvidenceLink.Status.REJECTED).exists()


def test_feedback_without_nul_is_stored(world):
    from django.test import Client

    evidence = evidence_for_unit(world.registration, world.registration.plan.first().unit)
    client = Client()
    client.force_login(world.assessor)
    response = client.post(
        reverse("portfolio:evidence-judge", args=[evidence.pk]), _rejection_post(evidence, "Add the reply")
    )
    assert response.status_code == 302
    assert EvidenceLink.objects.filter(evidence=evidence, feedback="Add the reply").exists()


def test_nul_byte_in_a_csv_cell_is_refused(admin_client, world):
    response = upload_csv(admin_client, world, csv_bytes([csv_row(world, full_name="Bulk\x00Learner")]))
    assert response.status_code == 200
    assert "NUL character" in response.content.decode()
    assert registration_services.parse_registration_csv(centre=world.centre, text="a\x00b").file_problems


# --- CSV size and cells ----------------------------------------------------------------------------------------


def test_csv_cell_over_the_field_limit_gives_a_message(admin_client, world):
    big = "x" * (csv.field_size_limit() + 1)
    response = upload_csv(admin_client, world, csv_bytes([csv_row(world, full_name=big)]))
    assert response.status_code == 200
    assert "a cell is longer than 131,072 characters" in response.content.decode()


def test_csv_over_the_size_cap_is_refused_without_reading_it_whole(world, admin_client, monkeypatch):
    monkeypatch.setattr("portfolio.services.registration.csv_file.MAX_CSV_BYTES", 1000)
    response = upload_csv(admin_client, world, csv_bytes([csv_row(world, full_name="x" * 2000)]))
    assert response.status_code == 200
    assert "The file is larger than 0 KB" in response.content.decode()


class _EndlessUpload:
    """An upload whose size is not known in advance and whose chunks never end."""

    size = None
    read_chunks = 0

    def chunks(self, chunk_size):
        while True:
            self.read_chunks += 1
            yield b"x" * chunk_size


def test_csv_upload_stops_reading_at_the_cap():
    upload = _EndlessUpload()
    with pytest.raises(registration_services.RegistrationError, match="larger than"):
        registration_services.read_csv_upload(upload)
    assert upload.read_chunks == registration_services.MAX_CSV_BYTES // (64 * 1024) + 1


def test_csv_within_the_cap_is_previewed(admin_client, world):
    response = upload_csv(admin_client, world, csv_bytes([csv_row(world)]))
    assert response.status_code == 200
    assert "Bulk Learner" in response.content.decode()
