"""The gateway pack (PDF and ZIP) built in the background: refused until the checklist is met, downloadable by the
apprentice's assessor and the centre's admins only, a PDF that opens and a ZIP whose manifest hashes match."""

import datetime as dt
import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from apprenticeships.gateway_pack import PackRefused, build_gateway_pack, not_ready
from apprenticeships.models import OtjEntry
from apprenticeships.services.gateway import confirm_by_employer, declare_by_learner, record_english_maths
from portfolio.models import RegistrationUnit
from tests.factories import build_world, make_registration
from tests.tracking.helpers import complete_unit, first_unit
from tracking.models import ExportJob, SignatureRole
from tracking.services.signoff import sign_unit

pytestmark = pytest.mark.django_db


def make_ready(world, apprenticeship):
    """Every gateway item met: one unit on the plan signed off, the OTJ target recorded, the three confirmations."""
    registration = world.registration
    unit = first_unit(registration)
    RegistrationUnit.objects.filter(registration=registration).exclude(unit=unit).delete()
    complete_unit(registration, unit)
    sign_unit(registration=registration, unit=unit, user=world.learner, role=SignatureRole.LEARNER)
    sign_unit(registration=registration, unit=unit, user=world.assessor, role=SignatureRole.ASSESSOR)
    start = apprenticeship.planned_start
    for day in range(12):  # 12 x 24 hours over 12 days: the 280 hour target met (straight into the table, as data)
        OtjEntry.objects.create(
            apprenticeship=apprenticeship,
            date=start + dt.timedelta(days=day + 1),
            hours=Decimal("24"),
            activity_type="theory",
            description="Workshop",
            recorded_by=world.learner,
        )
    record_english_maths(actor=world.assessor, apprenticeship=apprenticeship, evidence="GCSE maths 4, English 5")
    declare_by_learner(actor=world.learner, apprenticeship=apprenticeship, ip_address="192.0.2.1")
    confirm_by_employer(actor=apprenticeship.employer_contact.user, apprenticeship=apprenticeship, ip_address=None)
    return apprenticeship


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pack_url(world):
    return reverse("apprenticeships:gateway-pack", args=[world.registration.pk])


def test_not_ready_names_what_is_missing_and_builds_nothing(world, apprenticeship):
    assert not_ready(apprenticeship).startswith("Not ready for the gateway pack: every unit signed off")
    with pytest.raises(PackRefused, match="off-the-job training minimum met"):
        build_gateway_pack(apprenticeship, as_zip=False, out=io.BytesIO())
    response = _client(world.assessor).post(_pack_url(world), {"format": "pdf"}, follow=True)
    assert "Not ready for the gateway pack" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_pdf_opens_and_holds_the_checklist_and_reviews(world, apprenticeship):
    make_ready(world, apprenticeship)
    assert not_ready(apprenticeship) == ""
    out = io.BytesIO()
    build_gateway_pack(apprenticeship, as_zip=False, out=out)
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Gateway checklist" in text and "Harbour Hotels" in text and "ST0072" in text
    assert "Units signed off" in text and first_unit(world.registration).reference in text


def test_the_zip_holds_the_pdf_the_signed_sheets_and_a_matching_manifest(world, apprenticeship):
    make_ready(world, apprenticeship)
    response = _client(world.admin).post(_pack_url(world), {"format": "zip"})
    export_job = ExportJob.objects.get(kind="gateway_pack")
    assert response.url == reverse("tracking:job-status", args=[export_job.pk])
    assert export_job.status == ExportJob.Status.DONE, export_job.message
    download = _client(world.assessor).get(reverse("tracking:job-download", args=[export_job.pk]))
    assert download.status_code == 200
    data = b"".join(download.streaming_content) if download.streaming else download.content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = {entry["path"] for entry in manifest["files"]}
        assert "gateway-pack.pdf" in names
        assert any(name.startswith("tracking-sheets/") for name in names)
        assert set(archive.namelist()) == names | {"manifest.json"}
        for entry in manifest["files"]:
            body = archive.read(entry["path"])
            assert hashlib.sha256(body).hexdigest() == entry["sha256"]
            assert len(pypdf.PdfReader(io.BytesIO(body)).pages) >= 1


def test_only_the_assessor_and_admins_of_that_apprentice_build_or_download(world, apprenticeship):
    make_ready(world, apprenticeship)
    assert _client(world.learner).post(_pack_url(world), {"format": "pdf"}).status_code == 403
    assert _client(world.iqa).post(_pack_url(world), {"format": "pdf"}).status_code == 403
    assert _client(apprenticeship.employer_contact.user).post(_pack_url(world)).status_code in (403, 404)
    _client(world.assessor).post(_pack_url(world), {"format": "pdf"})
    export_job = ExportJob.objects.get(kind="gateway_pack")
    assert export_job.status == ExportJob.Status.DONE, export_job.message
    assert export_job.result_name.endswith(".pdf")
    download = reverse("tracking:job-download", args=[export_job.pk])
    assert _client(world.admin).get(download).status_code == 200
    for outsider in (world.learner, world.iqa, apprenticeship.employer_contact.user):
        assert _client(outsider).get(download).status_code == 404


def test_another_centres_admin_gets_404(world, apprenticeship):
    other = build_world()
    assert _client(other.admin).post(_pack_url(world), {"format": "pdf"}).status_code == 404


def test_the_gateway_page_offers_the_pack_to_the_provider_only(world, apprenticeship):
    url = reverse("apprenticeships:gateway", args=[world.registration.pk])
    assert "Build the ZIP" in _client(world.assessor).get(url).content.decode()
    assert "Build the ZIP" not in _client(world.learner).get(url).content.decode()


def test_a_second_registration_is_unaffected(world, apprenticeship):
    registration = make_registration(world.centre, assessor=world.assessor, iqa=world.iqa)
    assert (
        _client(world.assessor).post(reverse("apprenticeships:gateway-pack", args=[registration.pk])).status_code == 404
    )


def test_the_gateway_page_lists_the_packs_built_to_download_for_the_provider_only(world, apprenticeship):
    make_ready(world, apprenticeship)
    url = reverse("apprenticeships:gateway", args=[world.registration.pk])
    assert 'id="gateway-packs"' not in _client(world.assessor).get(url).content.decode()
    _client(world.assessor).post(_pack_url(world), {"format": "pdf"})
    _client(world.admin).post(_pack_url(world), {"format": "zip"})
    pdf, zipped = (ExportJob.objects.get(kind="gateway_pack", params__format=kind) for kind in ("pdf", "zip"))
    page = _client(world.admin).get(url).content.decode()
    packs = page.split('id="gateway-packs"')[1].split("</ul>")[0]
    assert reverse("tracking:job-download", args=[pdf.pk]) in packs and "Download the PDF" in packs
    assert reverse("tracking:job-download", args=[zipped.pk]) in packs and "Download the ZIP" in packs
    assert world.assessor.full_name in packs and world.admin.full_name in packs
    # A pack whose file the upkeep task removed is no longer offered.
    ExportJob.objects.filter(pk=pdf.pk).update(result="")
    packs = _client(world.assessor).get(url).content.decode().split('id="gateway-packs"')[1].split("</ul>")[0]
    assert reverse("tracking:job-download", args=[pdf.pk]) not in packs
    assert 'id="gateway-packs"' not in _client(world.learner).get(url).content.decode()
