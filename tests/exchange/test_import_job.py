"""The import runs in the background (issue 17 part 4): the uploaded ZIP is kept in storage only until its job has
checked and imported it, the job page shows the progress and ends with the new registration's link or the named
refusal, and a refused import leaves no rows and no files."""

import datetime as dt

import pytest
from django.urls import reverse

from exchange.import_jobs import remove_abandoned_uploads
from exchange.models import ImportUpload, PortfolioImport
from tests.exchange.helpers import NEW_EMAIL, import_form, json_change, rewrite, snapshot
from tests.portfolio.helpers import stored_files
from tracking.jobs import execute
from tracking.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_mode(settings):
    settings.JOBS_RUNNER = "worker"
    return settings


def _post(client, world, data: bytes, email=NEW_EMAIL):
    client.force_login(world.other_admin)
    return client.post(
        reverse("exchange:portfolio-import", kwargs={"centre_pk": world.other_centre.pk}),
        import_form(world, data, email=email),
    )


def test_the_upload_waits_in_storage_for_the_worker_then_is_deleted(client, world, zip_bytes, media_root, worker_mode):
    response = _post(client, world, zip_bytes)
    import_job = ExportJob.objects.get(kind="portfolio_import")
    assert response["Location"] == reverse("tracking:job-status", kwargs={"pk": import_job.pk})
    # Queued: nothing imported yet, the ZIP kept in storage byte for byte, the page says it is waiting.
    assert import_job.status == ExportJob.Status.QUEUED and not PortfolioImport.objects.exists()
    pending = ImportUpload.objects.get()
    with pending.file.open("rb") as kept:
        assert kept.read() == zip_bytes and pending.size == len(zip_bytes)
    waiting = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting and "portfolio import" in waiting.lower()
    # The worker runs it: imported, the upload deleted, the page links to the new registration.
    execute(import_job.pk)
    import_job.refresh_from_db()
    imported = PortfolioImport.objects.get()
    assert import_job.status == ExportJob.Status.DONE and import_job.percent == 100
    assert not ImportUpload.objects.exists()
    assert not [name for name in stored_files(media_root) if name.startswith("imports/pending")]
    done = client.get(response["Location"]).content.decode()
    assert reverse("exchange:imported", kwargs={"pk": imported.registration_id}) in done
    assert 'http-equiv="refresh"' not in done


def test_a_refused_import_names_each_problem_and_leaves_no_rows_and_no_files(client, world, zip_bytes, media_root):
    before = snapshot(media_root)
    changed = rewrite(zip_bytes, change={"evidence/1-v1/log.pdf": lambda body: body + b"x"})
    response = _post(client, world, rewrite(changed, add={"evidence/extra.txt": b"not exported"}))
    import_job = ExportJob.objects.get(kind="portfolio_import")
    assert import_job.status == ExportJob.Status.FAILED
    problems = _alert(client.get(response["Location"]).content.decode())
    assert "The portfolio does not verify, so nothing was imported." in problems
    assert any(
        problem.startswith("Changed file: evidence/1-v1/log.pdf does not match the SHA-256 recorded in chain entry")
        for problem in problems
    ), problems
    assert "Added file: evidence/extra.txt is not part of the exported portfolio." in problems
    assert snapshot(media_root) == before


def test_a_zip_for_a_qualification_unknown_here_is_refused_by_name(client, world, zip_bytes, media_root):
    """The files and chain verify, the catalogue check refuses it: the exact refusal is shown, nothing is kept."""
    before = snapshot(media_root)

    def unknown(manifest):
        manifest["qualification"]["number"] = "999/9999/9"

    response = _post(client, world, rewrite(zip_bytes, change={"manifest.json": json_change(unknown)}))
    problems = _alert(client.get(response["Location"]).content.decode())
    assert problems == ["Unknown qualification: 999/9999/9 is not in this centre's catalogue."]
    assert snapshot(media_root) == before


def _alert(page: str) -> list[str]:
    """The lines of the job page's refusal, as a reader sees them."""
    import html
    import re

    found = re.search(r'<div class="alert alert-danger job-failed" role="alert">(.*?)</div>', page, re.S)
    assert found, page
    return [html.unescape(line.strip()) for line in found.group(1).split("<br>")]


def test_only_the_admin_who_uploaded_follows_the_job(client, world, zip_bytes):
    response = _post(client, world, zip_bytes)
    url = response["Location"]
    client.force_login(world.admin)  # an admin of the sending centre
    assert client.get(url).status_code == 404
    client.force_login(world.other_centre_assessor)
    assert client.get(url).status_code == 404
    client.force_login(world.other_admin)
    assert client.get(url).status_code == 200


def test_an_upload_whose_job_was_given_up_is_deleted_later(client, world, zip_bytes, media_root, worker_mode):
    _post(client, world, zip_bytes)
    import_job = ExportJob.objects.get(kind="portfolio_import")
    pending = ImportUpload.objects.get()
    later = pending.uploaded_at + dt.timedelta(hours=2)
    assert remove_abandoned_uploads(now=later) == 0  # its job is still queued: kept for the worker
    ExportJob.objects.filter(pk=import_job.pk).update(status=ExportJob.Status.FAILED)
    assert remove_abandoned_uploads(now=later) == 1
    assert not ImportUpload.objects.exists()
    assert not [name for name in stored_files(media_root) if name.startswith("imports/pending")]


def test_a_run_repeated_after_its_import_was_committed_imports_nothing_twice(client, world, zip_bytes, worker_mode):
    _post(client, world, zip_bytes)
    import_job = ExportJob.objects.get(kind="portfolio_import")
    execute(import_job.pk)
    # The worker died before it could say so; the watchdog queues the job again.
    ExportJob.objects.filter(pk=import_job.pk).update(status=ExportJob.Status.QUEUED)
    execute(import_job.pk)
    import_job.refresh_from_db()
    assert import_job.status == ExportJob.Status.DONE
    assert PortfolioImport.objects.count() == 1
