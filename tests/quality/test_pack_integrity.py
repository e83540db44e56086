"""The EQA pack passes on only verified evidence: a file whose bytes changed, or that went missing, is left out,
listed on the pack's index page and reported to the centre's admins (once)."""

import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from centres.models import Event
from portfolio.models import EvidenceFile
from tests import samples
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence
from tracking.models import ExportJob

from .helpers import client_for, share

pytestmark = pytest.mark.django_db


def _evidence_with_two_files(world):
    evidence = make_evidence(
        world.registration,
        criteria=criteria_of(UNIT_A, 1),
        files=[
            samples.upload("Good.pdf", samples.pdf_bytes("The original")),
            samples.upload("Changed.pdf", samples.pdf_bytes("Also original")),
        ],
    )
    return evidence.files.get(original_name="Good.pdf"), evidence.files.get(original_name="Changed.pdf")


def _build_pack(client, shared) -> ExportJob:
    assert client.post(reverse("quality:pack-request", args=[shared.pk])).status_code == 302
    return ExportJob.objects.filter(kind="eqa_pack").latest("pk")


def _archive(client, job) -> zipfile.ZipFile:
    response = client.get(reverse("tracking:job-download", args=[job.pk]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_a_tampered_file_is_left_out_of_the_pack_listed_and_reported_once(world, media_root):
    good, changed = _evidence_with_two_files(world)
    tampered = samples.pdf_bytes("Changed afterwards")
    (media_root / changed.file.name).write_bytes(tampered)
    shared = share(world, world.registration)
    client = client_for(world.admin)

    job = _build_pack(client, shared)
    assert job.status == ExportJob.Status.DONE, job.message
    assert "without 1 evidence file that failed the integrity check" in job.message
    archive = _archive(client, job)
    evidence_members = [name for name in archive.namelist() if "/evidence/" in name]
    assert len(evidence_members) == 1 and evidence_members[0].endswith("-good.pdf")
    assert archive.read(evidence_members[0]) == (media_root / good.file.name).read_bytes()
    assert not any(archive.read(name) == tampered for name in archive.namelist())
    index = archive.read("index.html").decode()
    assert "Left out of this pack:" in index and "Changed.pdf (bytes changed since upload" in index
    assert changed.sha256 in index

    event = Event.objects.get(action="evidence_file.integrity_failed")
    assert event.object_id == changed.pk and event.actor == world.admin
    assert event.data["found_by"] == "building an EQA pack"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.admin.email]
    assert "Changed.pdf" in mail.outbox[0].body
    changed.refresh_from_db()
    assert changed.integrity == EvidenceFile.Integrity.TAMPERED

    # The EQA builds the same pack again: still left out, no second report.
    again = _build_pack(client_for(world.eqa), shared)
    assert again.status == ExportJob.Status.DONE
    assert Event.objects.filter(action="evidence_file.integrity_failed").count() == 1
    assert len(mail.outbox) == 1


def test_a_missing_file_is_left_out_and_reported(world, media_root):
    _good, changed = _evidence_with_two_files(world)
    (media_root / changed.file.name).unlink()
    client = client_for(world.admin)
    job = _build_pack(client, share(world, world.registration))
    assert job.status == ExportJob.Status.DONE, job.message
    index = _archive(client, job).read("index.html").decode()
    assert "Changed.pdf (missing from storage" in index
    assert Event.objects.get(action="evidence_file.integrity_failed").data["result"] == "missing"
    assert len(mail.outbox) == 1 and "missing from the file storage" in mail.outbox[0].body
