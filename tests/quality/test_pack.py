"""The EQA pack: one ZIP, built in the background, with safe names, that opens offline."""

import hashlib
import io
import posixpath
import re
import zipfile

from django.core.files.base import ContentFile
from django.urls import reverse

from portfolio.models import EvidenceFile
from quality.models import SampleKind
from tracking.models import ExportJob

from .helpers import (
    add_evidence,
    client_for,
    complete_and_sign,
    expire,
    links_in,
    required_criteria,
    share,
    share_units,
    start_unit,
    status,
    take_sample,
)

SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9._/-]*$")


def attach_file(evidence, original_name: str, data: bytes = b"%PDF-1.4 evidence", content_type="application/pdf"):
    evidence_file = EvidenceFile(
        evidence=evidence,
        original_name=original_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),  # the pack verifies every file against it
    )
    evidence_file.file.save("generated-name.bin", ContentFile(data), save=False)
    evidence_file.save()
    return evidence_file


def download(client, job) -> zipfile.ZipFile:
    response = client.get(reverse("tracking:job-download", args=[job.pk]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_pack_opens_offline_with_safe_names_and_only_what_was_shared(world, plan, unit1, unit2):
    # Shared whole: the world learner, with a summative sample and a file with a hostile name.
    complete_and_sign(world.registration, unit1)
    take_sample(plan, world.registration, unit1, kind=SampleKind.SUMMATIVE)
    hostile = add_evidence(world.registration, required_criteria(world.registration, unit1)[:1], methods=("PE",))
    attach_file(hostile, "../../etc/passwd <script>.PDF")
    # Shared in part: unit 1 of the other learner; evidence only on unit 2 stays out.
    start_unit(world.other_registration, unit1)
    on_unit2 = add_evidence(world.other_registration, required_criteria(world.other_registration, unit2)[:1])
    attach_file(on_unit2, "unit-two-only.pdf")
    # Not shared at all: the trainee's learner, sampled too.
    trainee_unit = world.trainee_registration.units.first()
    start_unit(world.trainee_registration, trainee_unit)
    take_sample(plan, world.trainee_registration, trainee_unit)

    shared = share(world, world.registration)
    share_units(world, world.other_registration, [unit1])  # a second share: not in this pack

    client = client_for(world.admin)
    response = client.post(reverse("quality:pack-request", args=[shared.pk]))
    job = ExportJob.objects.get(kind="eqa_pack")
    assert response.status_code == 302 and response.url == reverse("tracking:job-status", args=[job.pk])
    assert job.status == ExportJob.Status.DONE, job.message
    assert job.progress_done == job.progress_total > 0
    assert job.result_name.endswith(".zip")

    archive = download(client, job)
    names = archive.namelist()
    assert "index.html" in names
    for name in names:
        assert SAFE_NAME.match(name), name
        assert ".." not in name.split("/") and not name.startswith("/")
    folder = f"learners/{world.registration.pk:05d}-lena-learner"
    assert f"{folder}/registration.pdf" in names
    assert archive.read(f"{folder}/registration.pdf").startswith(b"%PDF")
    sheets = [name for name in names if name.startswith(f"{folder}/sheets/")]
    assert len(sheets) == 2 and all(archive.read(name).startswith(b"%PDF") for name in sheets)
    evidence = [name for name in names if name.startswith(f"{folder}/evidence/")]
    assert len(evidence) == 1 and evidence[0].endswith("-etcpasswd-script.pdf")
    assert archive.read(evidence[0]) == b"%PDF-1.4 evidence"
    assert not any("other-learner" in name or "unit-two-only" in name for name in names)
    assert any(name.startswith("quality/plan-") for name in names)
    assert any(name.startswith("quality/sample-") for name in names)

    # Every link of every page resolves to a member of the archive: the pack opens offline.
    for name in names:
        if not name.endswith(".html"):
            continue
        html = archive.read(name).decode()
        assert world.trainee_registration.learner.full_name not in html
        assert "http://" not in html and "https://" not in html
        for link in links_in(html):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), link))
            assert target in names, f"{name} links to {link}, missing from the pack"
    index = archive.read("index.html").decode()
    assert "passwd &lt;script&gt;" in index  # the original name is shown, escaped
    assert "<td>PE</td>" in index  # with its method


def test_partial_share_pack_holds_only_the_shared_units(world, plan, unit1, unit2):
    start_unit(world.other_registration, unit1)
    start_unit(world.other_registration, unit2)
    shared = share_units(world, world.other_registration, [unit1])
    client = client_for(world.eqa)
    client.post(reverse("quality:pack-request", args=[shared.pk]))
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE, job.message
    names = download(client, job).namelist()
    sheets = [name for name in names if "/sheets/" in name]
    assert len(sheets) == 1 and unit1.reference.replace("/", "-").lower() in sheets[0]


def test_pack_request_access(world):
    shared = share(world, world.registration)
    url = reverse("quality:pack-request", args=[shared.pk])
    assert status(world.iqa, url, "post") == 404
    assert status(world.assessor, url, "post") == 404
    assert status(world.other_admin, url, "post") == 404
    assert status(None, url, "post") == 302
    assert status(world.admin, url, "get") == 405
    expire(shared)
    assert status(world.eqa, url, "post") == 404
    assert not ExportJob.objects.exists()


def test_eqa_loses_the_download_when_the_share_ends(world):
    shared = share(world, world.registration)
    client = client_for(world.eqa)
    client.post(reverse("quality:pack-request", args=[shared.pk]))
    job = ExportJob.objects.get()
    assert client.get(reverse("tracking:job-download", args=[job.pk])).status_code == 200
    assert status(world.admin, reverse("tracking:job-download", args=[job.pk])) == 404  # not theirs
    expire(shared)
    assert client.get(reverse("tracking:job-download", args=[job.pk])).status_code == 404


def test_pack_leaves_out_samples_of_units_not_shared(world, plan, unit1, unit2):
    start_unit(world.registration, unit1)
    start_unit(world.registration, unit2)
    hidden = take_sample(plan, world.registration, unit1, feedback="About unit one only.")
    shown = take_sample(plan, world.registration, unit2, feedback="About unit two.")
    shared = share_units(world, world.registration, [unit2])
    client = client_for(world.admin)
    client.post(reverse("quality:pack-request", args=[shared.pk]))
    archive = download(client, ExportJob.objects.get())
    names = archive.namelist()
    assert f"quality/sample-{shown.pk}.html" in names
    assert f"quality/sample-{hidden.pk}.html" not in names
    assert not any("About unit one only." in archive.read(name).decode() for name in names if name.endswith(".html"))


def test_pack_is_streamed_to_storage_from_a_temporary_file(world, monkeypatch):
    import quality.exports
    from tracking.jobs import save_result

    handed = []

    def spy(export_job, filename, content):
        handed.append((filename, content))
        save_result(export_job, filename, content)

    monkeypatch.setattr(quality.exports, "save_result", spy)
    shared = share(world, world.registration)
    client = client_for(world.eqa)
    client.post(reverse("quality:pack-request", args=[shared.pk]))
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE, job.message
    [(filename, content)] = handed
    assert not isinstance(content, bytes | bytearray) and hasattr(content, "read")  # a file, never the whole ZIP
    assert job.result_name == filename and filename.startswith("eqa-pack-") and filename.endswith(".zip")
    assert job.result.name.endswith(".zip")
    assert "index.html" in download(client, job).namelist()


def test_pack_shows_the_learners_approved_adjustments_and_not_the_refused_ones(world, plan, unit1, unit2):
    from portfolio.services.adjustments import decide_adjustment, request_adjustment

    def adjustment(what, *, approve):
        requested = request_adjustment(
            actor=world.admin, registration=world.registration, kind="reasonable_adjustment", what=what, why="Dyslexia"
        )
        decide_adjustment(actor=world.admin, adjustment=requested, approve=approve, adjusted="Extra time", reason="No")

    adjustment("25% extra time", approve=True)
    adjustment("A scribe", approve=False)
    shared = share(world, world.registration)
    client = client_for(world.admin)
    client.post(reverse("quality:pack-request", args=[shared.pk]))
    job = ExportJob.objects.get(kind="eqa_pack")
    assert job.status == ExportJob.Status.DONE, job.message
    index = download(client, job).read("index.html").decode()
    assert "Approved reasonable adjustments and special considerations" in index
    assert "25% extra time" in index and "A scribe" not in index
