"""The demo's two apprentices and the end-point assessment gateway, as seeded (`manage.py seed_demo`): Jacob Evans
(learner3) is part-way through, so his gateway page refuses the pack with the reason; Rhys Morgan (learner7) is ready,
every item of his checklist met through the services, and the gateway pack the seed built for him downloads from his
gateway page as a PDF that opens and a ZIP whose manifest matches its files."""

import hashlib
import io
import json
import re
import zipfile

import pypdf
import pytest
from django.urls import reverse

from apprenticeships.models import Apprenticeship
from apprenticeships.services.gateway import gateway_items
from tests.demo.helpers import client_for
from tracking.models import ExportJob

pytestmark = pytest.mark.django_db


def apprenticeship_of(email: str) -> Apprenticeship:
    return Apprenticeship.objects.select_related("registration__learner", "employer").get(
        registration__learner__email=email
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_jacobs_gateway_pack_is_refused_with_the_reason():
    registration = apprenticeship_of("learner3@northgate.example").registration
    assessor = client_for("assessor@northgate.example")
    page = assessor.get(reverse("apprenticeships:gateway", args=[registration.pk])).text
    assert "Build the PDF" in page and 'id="pack-not-ready"' in page and 'id="gateway-packs"' not in page
    refused = assessor.post(
        reverse("apprenticeships:gateway-pack", args=[registration.pk]), {"format": "pdf"}, follow=True
    )
    assert "Not ready for the gateway pack: every unit signed off" in refused.text
    assert not ExportJob.objects.filter(kind="gateway_pack", params__registration_id=registration.pk).exists()


def test_rhys_is_ready_for_the_gateway_with_every_item_met_through_the_services():
    apprenticeship = apprenticeship_of("learner7@northgate.example")
    assert apprenticeship.employer.name == "Brightwell Retail"
    assert [(item.key, item.met) for item in gateway_items(apprenticeship)] == [
        ("units", True),
        ("otj", True),
        ("english_maths", True),
        ("employer", True),
        ("learner", True),
    ]
    # The OTJ minimum is met with verified entries only, and every review is signed by all three.
    entries = apprenticeship.otj_entries.all()
    assert sum(entry.hours for entry in entries) >= apprenticeship.otj_target_hours
    assert not entries.filter(verified_at__isnull=True).exists()
    reviews = list(apprenticeship.reviews.prefetch_related("signatures"))
    assert reviews and all(review.completed_at for review in reviews)
    assert all(
        {signature.role for signature in review.signatures.all() if signature.voided_at is None}
        == {"learner", "provider", "employer"}
        for review in reviews
    )
    page = client_for("admin@northgate.example").get(
        reverse("apprenticeships:gateway", args=[apprenticeship.registration_id])
    )
    assert "Every item of the gateway checklist is met." in page.text


def test_rhys_gateway_page_downloads_a_pdf_that_opens_and_a_zip_whose_manifest_matches():
    apprenticeship = apprenticeship_of("learner7@northgate.example")
    registration = apprenticeship.registration
    assessor = client_for("assessor@northgate.example")
    page = assessor.get(reverse("apprenticeships:gateway", args=[registration.pk])).text
    packs = page.split('id="gateway-packs"')[1].split("</ul>")[0]
    downloads = dict((label, url) for url, label in re.findall(r'href="([^"]+)">Download the (PDF|ZIP)</a>', packs))
    assert set(downloads) == {"PDF", "ZIP"}

    pdf = assessor.get(downloads["PDF"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(body(pdf))
    assert "Rhys Morgan" in text and "Brightwell Retail" in text and "Nia Roberts" in text

    archive = zipfile.ZipFile(io.BytesIO(body(assessor.get(downloads["ZIP"]))))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["learner"] == "Rhys Morgan" and manifest["employer"] == "Brightwell Retail"
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    sheets = [path for path in listed if path.startswith("tracking-sheets/")]
    assert len(sheets) == registration.units.count() == 18
    for path, entry in listed.items():
        data = archive.read(path)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"], path
    assert "Rhys Morgan" in pdf_text(archive.read("gateway-pack.pdf"))
    assert pypdf.PdfReader(io.BytesIO(archive.read(sheets[0]))).pages

    # The learner may not have the pack; his employer sees his evidence files (Northgate allows it).
    assert client_for("learner7@northgate.example").get(downloads["PDF"]).status_code in {403, 404}
    employer = client_for("employer@brightwell.example")
    employer_page = employer.get(reverse("apprenticeships:employer-apprentice", args=[apprenticeship.pk])).text
    file_url = re.search(r'href="([^"]*/employer/files/\d+/)"', employer_page).group(1)
    assert employer.get(file_url).status_code == 200
