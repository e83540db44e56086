"""The background jobs' upkeep with a faked clock: the watchdog, the clean-up of old files, the worker's sign of
life and what the job page says about it, the dedupe of repeated requests, the periodic schedules."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ, Schedule

from core import periodic
from tests.factories import client_for
from tracking import jobs
from tracking.job_upkeep import remove_old_results, watchdog, worker_absent_minutes, worker_heartbeat
from tracking.jobs import job, save_result
from tracking.models import ExportJob, WorkerSighting

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def worker_mode(settings):
    settings.JOBS_RUNNER = "worker"
    settings.JOBS_STALE_AFTER_SECONDS = 30
    settings.JOBS_MAX_ATTEMPTS = 3
    return settings


@pytest.fixture
def noop_kind():
    @job("test_noop")
    def noop(export_job):
        save_result(export_job, "noop.txt", b"done")

    yield "test_noop"
    jobs.REGISTRY.pop("test_noop", None)


def _running(world, *, heartbeat_at, attempts=1, kind="test_noop"):
    return ExportJob.objects.create(
        kind=kind,
        centre=world.centre,
        created_by=world.admin,
        status=ExportJob.Status.RUNNING,
        started_at=heartbeat_at,
        heartbeat_at=heartbeat_at,
        attempts=attempts,
    )


def test_watchdog_requeues_a_job_whose_heartbeat_stopped(world, worker_mode, noop_kind):
    stale = _running(world, heartbeat_at=NOW - dt.timedelta(seconds=31))
    alive = _running(world, heartbeat_at=NOW - dt.timedelta(seconds=29))

    assert watchdog(now=NOW) == {"retried": 1, "failed": 0, "unchanged": 0}

    stale.refresh_from_db()
    alive.refresh_from_db()
    assert stale.status == ExportJob.Status.QUEUED and stale.heartbeat_at is None
    assert "stopped while building this" in stale.message and "attempt 2 of 3" in stale.message
    assert alive.status == ExportJob.Status.RUNNING
    # Handed to the cluster again; when a worker runs it, it is the second attempt and it finishes.
    assert [task.task["args"] for task in OrmQ.objects.all()] == [(stale.pk,)]
    assert jobs.execute(stale.pk) == "ran"
    stale.refresh_from_db()
    assert stale.status == ExportJob.Status.DONE and stale.attempts == 2


def test_watchdog_fails_a_job_after_its_last_attempt_with_a_message(world, worker_mode, noop_kind):
    stale = _running(world, heartbeat_at=NOW - dt.timedelta(minutes=5), attempts=3)

    assert watchdog(now=NOW)["failed"] == 1

    stale.refresh_from_db()
    assert stale.status == ExportJob.Status.FAILED and stale.finished_at is not None
    assert "stopped while building this on each of 3 attempts" in stale.message
    assert "Ask for it again" in stale.message
    assert not OrmQ.objects.exists()
    page = client_for(world.admin).get(reverse("tracking:job-status", args=[stale.pk])).content.decode()
    assert "on each of 3 attempts" in page and 'role="progressbar"' not in page and 'http-equiv="refresh"' not in page


def test_a_run_given_up_on_cannot_write_over_the_next(world, worker_mode, noop_kind):
    stale = _running(world, heartbeat_at=NOW - dt.timedelta(minutes=5))
    old_run = ExportJob.objects.get(pk=stale.pk)
    watchdog(now=NOW)
    new_run = jobs.claim(stale.pk)
    assert new_run is not None and new_run.attempts == 2

    old_run.report(9, 10, "The old run woke up")  # the first worker was only stuck, and carries on
    save_result(old_run, "old.txt", b"old")

    stale.refresh_from_db()
    assert stale.message != "The old run woke up" and not stale.result
    assert stale.status == ExportJob.Status.RUNNING and stale.attempts == 2


def test_watchdog_leaves_queued_and_finished_jobs_alone(world, worker_mode, noop_kind):
    long_ago = NOW - dt.timedelta(days=1)
    for status in (ExportJob.Status.QUEUED, ExportJob.Status.DONE, ExportJob.Status.FAILED):
        ExportJob.objects.create(
            kind="test_noop", centre=world.centre, created_by=world.admin, status=status, heartbeat_at=long_ago
        )
    assert watchdog(now=NOW) == {"retried": 0, "failed": 0, "unchanged": 0}


def test_old_results_are_removed_from_storage_and_the_page_says_so(world, worker_mode, settings, noop_kind):
    settings.JOBS_KEEP_RESULTS_DAYS = 7
    old, recent = (
        ExportJob.objects.create(
            kind="test_noop",
            centre=world.centre,
            created_by=world.admin,
            status=ExportJob.Status.DONE,
            finished_at=finished,
            params={},
        )
        for finished in (NOW - dt.timedelta(days=8), NOW - dt.timedelta(days=6))
    )
    for export_job in (old, recent):
        save_result(export_job, "pack.pdf", b"%PDF-1.7")
    old.refresh_from_db()
    stored = old.result.name
    storage = old.result.storage
    assert storage.exists(stored)

    assert remove_old_results(now=NOW) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert not storage.exists(stored) and not old.result and old.result_removed_at == NOW
    assert recent.result and storage.exists(recent.result.name)
    client = client_for(world.admin)
    page = client.get(reverse("tracking:job-status", args=[old.pk])).content.decode()
    assert "This file was deleted on 06/12/2026" in page and "Download" not in page
    assert client.get(reverse("tracking:job-download", args=[old.pk])).status_code == 404
    assert remove_old_results(now=NOW) == 0


def test_worker_heartbeat_is_one_row_per_host():
    worker_heartbeat(now=NOW - dt.timedelta(minutes=1))
    worker_heartbeat(now=NOW)
    assert list(WorkerSighting.objects.values_list("seen_at", flat=True)) == [NOW]


def test_worker_absent_minutes_counts_from_the_last_sighting(settings):
    settings.JOBS_WORKER_ABSENT_AFTER_SECONDS = 180
    asked = NOW - dt.timedelta(minutes=1)
    assert worker_absent_minutes(since=asked, now=NOW) is None  # never seen, but the job is only a minute old
    assert worker_absent_minutes(since=NOW - dt.timedelta(minutes=10), now=NOW) == 10
    worker_heartbeat(now=NOW - dt.timedelta(minutes=2))
    assert worker_absent_minutes(since=asked, now=NOW) is None
    assert worker_absent_minutes(since=asked, now=NOW + dt.timedelta(minutes=5)) == 7


def test_job_page_says_plainly_when_no_worker_has_been_seen(world, worker_mode):
    client = client_for(world.learner)
    response = client.post(reverse("tracking:registration-pdf", args=[world.registration.pk]))
    export_job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=export_job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=20))
    WorkerSighting.objects.create(host="worker-1", seen_at=timezone.now() - dt.timedelta(minutes=12, seconds=5))

    page = " ".join(client.get(response["Location"]).content.decode().split())

    assert (
        "No background worker has been seen for 12 minutes: your job is queued and will start when one runs. "
        "Tell your centre's administrator." in page
    )
    assert 'http-equiv="refresh"' in page  # and it keeps looking, with or without JavaScript
    assert f'href="{reverse("tracking:job-status", args=[export_job.pk])}">Refresh now' in page

    WorkerSighting.objects.update(seen_at=timezone.now())
    page = client.get(response["Location"]).content.decode()
    assert "No background worker has been seen" not in page and "Waiting for the background worker" in page


def test_five_presses_queue_one_job(world, worker_mode):
    client = client_for(world.learner)
    url = reverse("tracking:registration-pdf", args=[world.registration.pk])
    locations = {client.post(url)["Location"] for _ in range(5)}
    export_job = ExportJob.objects.get()
    assert locations == {reverse("tracking:job-status", args=[export_job.pk])}
    assert OrmQ.objects.count() == 1
    # Someone else's request, or different params, is a job of its own.
    client_for(world.assessor).post(url)
    assert ExportJob.objects.count() == 2
    # Once the job has finished, asking again makes a new one.
    ExportJob.objects.filter(pk=export_job.pk).update(status=ExportJob.Status.DONE)
    client.post(url)
    assert ExportJob.objects.filter(created_by=world.learner).count() == 2


def test_the_database_refuses_a_second_live_job_for_the_same_request(world, worker_mode):
    from django.db import IntegrityError, transaction

    key = jobs.request_key("registration_pdf", world.learner, {"registration_id": 1})
    fields = {"kind": "registration_pdf", "centre": world.centre, "created_by": world.learner, "request_key": key}
    ExportJob.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(**fields)
    ExportJob.objects.create(**fields, status=ExportJob.Status.DONE)  # finished jobs do not count


def test_periodic_schedules_follow_the_declarations(monkeypatch):
    monkeypatch.setattr(periodic, "REGISTRY", dict(periodic.REGISTRY))
    periodic.sync_schedules()
    names = set(Schedule.objects.filter(name__startswith="periodic:").values_list("name", flat=True))
    assert {"periodic:jobs_watchdog", "periodic:jobs_worker_heartbeat", "periodic:jobs_remove_old_results"} <= names
    watchdog_schedule = Schedule.objects.get(name="periodic:jobs_watchdog")
    assert watchdog_schedule.func == "tracking.job_upkeep.watchdog" and watchdog_schedule.minutes == 1
    nightly_check = Schedule.objects.get(name="periodic:verify_evidence")  # declared by the portfolio app
    assert nightly_check.func == "portfolio.integrity.verify_all_evidence" and nightly_check.minutes == 24 * 60

    # Registering one is a single line; running the sync again creates, updates and removes by name only.
    periodic.register("example_nightly", "tracking.job_upkeep.worker_heartbeat", minutes=24 * 60)
    Schedule.objects.create(name="made by hand", func="tracking.job_upkeep.worker_heartbeat")
    assert periodic.sync_schedules() == {"created": 1, "updated": 0, "removed": 0}
    assert Schedule.objects.get(name="periodic:example_nightly").minutes == 1440
    periodic.register("example_nightly", "tracking.job_upkeep.worker_heartbeat", minutes=60)
    assert periodic.sync_schedules() == {"created": 0, "updated": 1, "removed": 0}
    del periodic.REGISTRY["example_nightly"]
    assert periodic.sync_schedules() == {"created": 0, "updated": 0, "removed": 1}
    assert Schedule.objects.filter(name="made by hand").exists()
    assert periodic.sync_schedules() == {"created": 0, "updated": 0, "removed": 0}


def test_a_periodic_task_is_named_by_its_dotted_path():
    with pytest.raises(ValueError):
        periodic.register("bad", "verify_evidence", minutes=5)
    with pytest.raises(ValueError):
        periodic.register("bad", "portfolio.integrity.verify_evidence", minutes=0)
    assert "bad" not in periodic.REGISTRY
