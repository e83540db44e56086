"""Evidence on S3-compatible storage (moto's server on 127.0.0.1): upload, range download, presigned download,
thumbnail, EQA pack and verify_evidence, through the same code paths as local disk."""

import io
import urllib.request
import zipfile
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from storages.backends.s3 import S3Storage

from centres.models import Event
from portfolio.models import Evidence, EvidenceFile
from portfolio.services.evidence import link_criteria, submit_evidence
from qualifications.models import AssessmentMethod
from tests import samples
from tests.factories import client_for
from tests.portfolio.helpers import UNIT_A, criteria_of, today
from tests.quality.helpers import share
from tracking.models import ExportJob

pytestmark = pytest.mark.django_db


def _upload(client, world, files) -> Evidence:
    methods = [str(pk) for pk in AssessmentMethod.objects.filter(code="PE").values_list("pk", flat=True)]
    response = client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        {
            "title": "Customer log",
            "date": today(1).isoformat(),
            "description": "What I did",
            "methods": methods,
            "submission_token": "s3",
            "files": files,
        },
    )
    assert response.status_code == 302, response.content[:500]
    return Evidence.objects.get(registration=world.registration, submission_token="s3")


@pytest.fixture
def on_s3(world, s3_bucket):
    """The learner's evidence with a photo and a PDF, uploaded through the page into the bucket."""
    client = client_for(world.learner)
    evidence = _upload(
        client,
        world,
        [
            samples.upload("IMG_2.jpg", samples.phone_photo_bytes((600, 400))),
            samples.upload("Report.pdf", samples.pdf_bytes("On S3")),
        ],
    )
    link_criteria(actor=world.learner, evidence=evidence, add=[criterion.pk for criterion in criteria_of(UNIT_A, 1)])
    submit_evidence(actor=world.learner, evidence=evidence, declaration=True)
    photo = evidence.files.get(content_type="image/jpeg")
    pdf = evidence.files.get(content_type="application/pdf")
    return photo, pdf


def test_upload_goes_to_the_bucket_verified(on_s3, s3_bucket):
    photo, pdf = on_s3
    assert isinstance(pdf.file.storage, S3Storage)
    assert s3_bucket.keys() == sorted([photo.file.name, photo.thumbnail.name, pdf.file.name])
    assert s3_bucket.read(pdf.file.name).startswith(b"%PDF")
    assert pdf.integrity == EvidenceFile.Integrity.OK and pdf.verified_at is not None


def test_range_download_and_thumbnail_stream_from_the_bucket(on_s3, s3_bucket, world):
    photo, pdf = on_s3
    client = client_for(world.assessor)
    stored = s3_bucket.read(pdf.file.name)
    response = client.get(reverse("portfolio:file-download", args=[pdf.pk]), headers={"Range": "bytes=5-24"})
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == stored[5:25]
    assert response["Content-Range"] == f"bytes 5-24/{len(stored)}"
    thumbnail = client.get(reverse("portfolio:file-thumbnail", args=[photo.pk]))
    assert thumbnail.status_code == 200
    assert b"".join(thumbnail.streaming_content) == s3_bucket.read(photo.thumbnail.name)


def test_presigned_download_redirects_to_a_short_lived_url_with_the_safe_name(on_s3, s3_bucket, world, settings):
    settings.EVIDENCE_SERVE = "s3-presigned"
    settings.EVIDENCE_PRESIGNED_SECONDS = 30
    _photo, pdf = on_s3
    response = client_for(world.assessor).get(reverse("portfolio:file-download", args=[pdf.pk]))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    assert urlsplit(url).hostname == "127.0.0.1" and "X-Amz-Expires=30" in url and "X-Amz-Signature=" in url
    with urllib.request.urlopen(url) as fetched:  # noqa: S310 - the test's own S3 server
        assert fetched.read() == s3_bucket.read(pdf.file.name)
        assert (
            fetched.headers["Content-Disposition"] == "attachment; filename=\"Report.pdf\"; filename*=UTF-8''Report.pdf"
        )
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert fetched.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("who", "status"), [("learner", 302), ("iqa", 302), ("other_learner", 403), ("other_centre_assessor", 404)]
)
def test_presigned_download_is_permission_checked_first(on_s3, world, settings, who, status):
    settings.EVIDENCE_SERVE = "s3-presigned"
    photo, pdf = on_s3
    client = client_for(getattr(world, who))
    for url in (
        reverse("portfolio:file-download", args=[pdf.pk]),
        reverse("portfolio:file-thumbnail", args=[photo.pk]),
    ):
        response = client.get(url)
        assert response.status_code == status
        if status != 302:
            assert "Location" not in response


def test_a_file_changed_in_the_bucket_is_refused_from_the_pack_and_reported(on_s3, s3_bucket, world):
    photo, pdf = on_s3
    s3_bucket.write(pdf.file.name, samples.pdf_bytes("Changed in the bucket"))
    client = client_for(world.admin)
    shared = share(world, world.registration)
    assert client.post(reverse("quality:pack-request", args=[shared.pk])).status_code == 302
    job = ExportJob.objects.get(kind="eqa_pack")
    assert job.status == ExportJob.Status.DONE, job.message
    response = client.get(reverse("tracking:job-download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    evidence = [name for name in archive.namelist() if "/evidence/" in name]
    assert len(evidence) == 1 and archive.read(evidence[0]) == s3_bucket.read(photo.file.name)
    assert "Report.pdf (bytes changed since upload" in archive.read("index.html").decode()
    assert Event.objects.get(action="evidence_file.integrity_failed").object_id == pdf.pk
    assert len(mail.outbox) == 1


def test_verify_evidence_rehashes_the_bucket(on_s3, s3_bucket):
    photo, pdf = on_s3
    out = io.StringIO()
    call_command("verify_evidence", stdout=out)
    assert "2 evidence file(s) checked: 2 intact" in out.getvalue()
    s3_bucket.write(pdf.file.name, b"%PDF-1.4 not the same")
    s3_bucket.delete(photo.thumbnail.name)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_evidence", stdout=out)
    assert f"CHANGED: evidence file {pdf.pk}" in out.getvalue()
    assert f"MISSING (thumbnail): evidence file {photo.pk}" in out.getvalue()
    assert "0 intact, 1 changed, 1 missing" in out.getvalue()
