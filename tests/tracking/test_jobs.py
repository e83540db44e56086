import io
import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from centres.models import Event
from tests.factories import client_for
from tracking import jobs
from tracking.jobs import JobError, enqueue, job, run_job, save_result
from tracking.models import ExportJob
from tracking.services.signoff import sign_unit

from .helpers import share_with_eqa

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_kinds():
    """Two throwaway kinds of job, removed from the registry afterwards."""
    seen = []

    @job("test_ok")
    def ok(export_job):
        for done in range(1, 4):
            export_job.report(done, 3, f"Step {done}")
            seen.append(ExportJob.objects.get(pk=export_job.pk).progress_done)
        save_result(export_job, "../../odd name.txt", b"hello")

    @job("test_fails")
    def fails(export_job):
        save_result(export_job, "partial.txt", b"half")
        raise JobError("The share has ended.")

    @job("test_crashes")
    def crashes(export_job):
        raise RuntimeError("boom")

    yield seen
    for name in ("test_ok", "test_fails", "test_crashes"):
        jobs.REGISTRY.pop(name, None)


def test_enqueue_runs_at_once_in_sync_mode_and_reports_progress(world, test_kinds):
    export_job = enqueue("test_ok", user=world.admin, centre=world.centre, params={"x": 1})
    assert export_job.status == ExportJob.Status.DONE
    assert test_kinds == [1, 2, 3]  # each report is visible to other readers at once
    assert export_job.percent == 100 and export_job.message == "Step 3"
    assert export_job.result_name == "odd_name.txt"
    assert export_job.result.name.startswith(f"exports/{world.centre.pk}/test_ok-{export_job.pk}-")
    with export_job.result.open("rb") as stored:
        assert stored.read() == b"hello"
    assert Event.objects.filter(action="export_requested", object_id=export_job.pk).exists()


def test_a_failing_job_keeps_no_file_and_says_why(world, test_kinds):
    export_job = enqueue("test_fails", user=world.admin, centre=world.centre, params={})
    assert export_job.status == ExportJob.Status.FAILED
    assert export_job.message == "The share has ended."
    assert not export_job.result
    exports = Path(ExportJob._meta.get_field("result").storage.location) / "exports" / str(world.centre.pk)
    assert not any(path.name.startswith(f"test_fails-{export_job.pk}-") for path in exports.glob("*"))
    crashed = enqueue("test_crashes", user=world.admin, centre=world.centre, params={})
    assert crashed.status == ExportJob.Status.FAILED and "Something went wrong" in crashed.message


def test_unknown_kind_is_refused(world):
    with pytest.raises(JobError):
        enqueue("no_such_kind", user=world.admin, centre=world.centre, params={})


class _ReadRecorder(io.BytesIO):
    """A file object that remembers how much was asked of each read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.reads: list[int | None] = []

    def read(self, size=-1):
        self.reads.append(size)
        return super().read(size)


def test_save_result_streams_a_file_object_into_storage_in_chunks(world):
    export_job = ExportJob.objects.create(kind="eqa_pack", params={}, centre=world.centre, created_by=world.admin)
    data = os.urandom(3 * 64 * 1024 + 123)
    spool = _ReadRecorder(data)
    spool.seek(len(data))  # storage copies from the start whatever the position

    save_result(export_job, "pack for EQA.zip", spool)

    export_job.refresh_from_db()
    assert export_job.result_name == "pack_for_EQA.zip"
    assert export_job.result.name.startswith(f"exports/{world.centre.pk}/eqa_pack-{export_job.pk}-")
    assert export_job.result.name.endswith(".zip")
    with export_job.result.open("rb") as stored:
        assert stored.read() == data
    assert len(spool.reads) > 3 and all(size is not None and 0 < size < len(data) for size in spool.reads)


def test_save_result_still_takes_bytes(world):
    export_job = ExportJob.objects.create(kind="eqa_pack", params={}, centre=world.centre, created_by=world.admin)
    save_result(export_job, "report.pdf", b"%PDF-1.7 bytes")
    export_job.refresh_from_db()
    assert export_job.result_name == "report.pdf" and export_job.result.name.endswith(".pdf")
    with export_job.result.open("rb") as stored:
        assert stored.read() == b"%PDF-1.7 bytes"


def test_a_queued_job_is_handed_to_the_cluster_in_the_same_transaction(world, test_kinds, settings):
    from django_q.models import OrmQ

    settings.JOBS_RUNNER = "worker"
    export_job = enqueue("test_ok", user=world.admin, centre=world.centre, params={})
    assert export_job.status == ExportJob.Status.QUEUED and export_job.attempts == 0
    task = OrmQ.objects.get()
    assert task.func() == "tracking.jobs.execute" and task.task["args"] == (export_job.pk,)
    assert jobs.execute(export_job.pk) == "ran"  # what the cluster's worker does with the task
    export_job.refresh_from_db()
    assert export_job.status == ExportJob.Status.DONE and export_job.attempts == 1 and export_job.result


def test_a_second_delivery_of_the_same_task_does_nothing(world, test_kinds, settings):
    settings.JOBS_RUNNER = "worker"
    export_job = enqueue("test_ok", user=world.admin, centre=world.centre, params={})
    claimed = jobs.claim(export_job.pk)
    assert claimed is not None and claimed.status == ExportJob.Status.RUNNING and claimed.attempts == 1
    assert jobs.claim(export_job.pk) is None
    assert jobs.execute(export_job.pk).startswith("not queued")
    export_job.refresh_from_db()
    assert export_job.status == ExportJob.Status.RUNNING and test_kinds == []  # the job function never ran again


def test_registration_pdf_is_built_in_the_background_and_downloaded(world, completed):
    registration = world.registration
    sign_unit(registration=registration, unit=completed, user=world.learner, role="learner")
    sign_unit(registration=registration, unit=completed, user=world.assessor, role="assessor")
    client = client_for(world.assessor)
    response = client.post(reverse("tracking:registration-pdf", args=[registration.pk]))
    export_job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tracking:job-status", args=[export_job.pk])
    assert export_job.status == ExportJob.Status.DONE
    assert export_job.progress_done == export_job.progress_total > 2
    page = client.get(response["Location"]).content.decode()
    assert "Download portfolio-" in page and 'http-equiv="refresh"' not in page
    download = client.get(reverse("tracking:job-download", args=[export_job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Learner portfolio: evidence tracking sheets" in text
    assert "The chosen units can achieve the qualification." in text
    assert "Index of evidence" in text
    for unit in registration.units.all():
        assert unit.reference in text
    for criterion in completed.criteria.all():
        assert criterion.code in text
    assert "Lena Learner, Learner" in text and f"{world.assessor.full_name}, Assessor" in text
    assert "Unit 1: 1.1, 1.2" in text  # the index lists the criteria each piece of evidence covers
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text


def test_job_status_refreshes_while_queued(world, settings):
    settings.JOBS_RUNNER = "worker"
    client = client_for(world.learner)
    response = client.post(reverse("tracking:registration-pdf", args=[world.registration.pk]))
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh" content="2"' in page
    assert "Waiting for the background worker" in page and 'role="progressbar"' in page
    export_job = ExportJob.objects.get()
    assert client.get(reverse("tracking:job-download", args=[export_job.pk])).status_code == 404  # not ready


def test_job_pages_are_for_the_person_who_asked_only(world):
    client_for(world.learner).post(reverse("tracking:registration-pdf", args=[world.registration.pk]))
    export_job = ExportJob.objects.get()
    status_url = reverse("tracking:job-status", args=[export_job.pk])
    download_url = reverse("tracking:job-download", args=[export_job.pk])
    assert client_for(world.learner).get(download_url).status_code == 200
    for user in (world.assessor, world.other_learner, world.other_admin, world.eqa):
        assert client_for(user).get(status_url).status_code == 404, user
        assert client_for(user).get(download_url).status_code == 404, user
    assert Client().get(download_url).status_code == 302


def test_registration_pdf_views_are_scoped(world):
    url = reverse("tracking:registration-pdf", args=[world.registration.pk])
    assert client_for(world.learner).get(url).status_code == 405
    for user in (world.other_assessor, world.other_learner, world.other_admin, world.eqa):
        assert client_for(user).post(url).status_code == 404, user
    assert Client().post(url).status_code == 302
    assert not ExportJob.objects.exists()


def test_eqa_registration_pdf_holds_only_the_shared_units(world, completed):
    other_unit = world.registration.units.exclude(pk=completed.pk).first()
    share = share_with_eqa(world, world.registration, completed)
    client = client_for(world.eqa)
    client.post(reverse("tracking:registration-pdf", args=[world.registration.pk]))
    export_job = ExportJob.objects.get()
    assert export_job.params["unit_ids"] == [completed.pk]
    download = client.get(reverse("tracking:job-download", args=[export_job.pk]))
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages
    )
    assert completed.reference in text and other_unit.reference not in text
    assert "only the units shared with the external quality assurer" in text
    # Once the share is revoked, the EQA can no longer download it.
    from django.utils import timezone

    type(share).objects.filter(pk=share.pk).update(revoked_at=timezone.now())
    assert client.get(reverse("tracking:job-download", args=[export_job.pk])).status_code == 404


def test_a_finished_job_is_not_run_again(world, test_kinds):
    export_job = enqueue("test_ok", user=world.admin, centre=world.centre, params={})
    assert jobs.claim(export_job.pk) is None
    assert jobs.execute(export_job.pk).startswith("not queued") and test_kinds == [1, 2, 3]
    assert run_job(export_job).status == ExportJob.Status.DONE
