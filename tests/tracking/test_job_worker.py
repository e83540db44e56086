"""Real workers: `manage.py qcluster` subprocesses against the test database run a slow job, get killed with
SIGKILL mid-job, lose their database connections, and never run a job twice; the same request from five
browsers at once makes one job. The subprocess runs tests/tracking/jobworker/settings.py (recovery in seconds).

On PostgreSQL the worker shares the (transactional) test database. SQLite's test database lives in memory, so
there the test copies it into a file for the worker and reads the job back from that file."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django_q.models import OrmQ

from tests.factories import build_world, client_for, make_centre, make_user
from tracking import jobs
from tracking.jobs import enqueue, job
from tracking.models import ExportJob

ROOT = Path(__file__).resolve().parents[2]
STALE_SECONDS = 3  # JOBS_STALE_AFTER_SECONDS in the worker's settings

pytestmark = pytest.mark.django_db(transaction=True)


class WorkerDatabase:
    """The database the worker subprocesses use, and the job rows as they see them."""

    def __init__(self, tmp_path: Path):
        settings_dict = connection.settings_dict
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            credentials = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
            host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
            self.url = f"postgres://{credentials}@{host}/{settings_dict['NAME']}"
        else:
            self.path = tmp_path / "worker.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def publish(self) -> None:
        """Let the worker see what the test wrote (on SQLite, copy the in-memory database into its file)."""
        if not self.postgres:
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

    def job(self, pk: int) -> dict:
        fields = ["status", "attempts", "progress_done", "message", "result", "heartbeat_at"]
        if self.postgres:
            return ExportJob.objects.filter(pk=pk).values(*fields).get()
        reader = sqlite3.connect(self.path, timeout=10)
        try:
            row = reader.execute(f"SELECT {', '.join(fields)} FROM tracking_exportjob WHERE id = ?", (pk,)).fetchone()
        finally:
            reader.close()
        return dict(zip(fields, row, strict=True))

    def wait_for(self, pk: int, condition, *, seconds: float, what: str) -> dict:
        deadline = time.monotonic() + seconds
        while True:
            state = self.job(pk)
            if condition(state):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"Job {pk} never {what} in {seconds} s: {state}")
            time.sleep(0.2)


@pytest.fixture
def worker_db(tmp_path, settings):
    settings.JOBS_RUNNER = "worker"
    from tests.tracking.jobworker.exports import slow

    job("test_slow")(slow)
    yield WorkerDatabase(tmp_path)
    jobs.REGISTRY.pop("test_slow", None)


@pytest.fixture
def start_worker(worker_db, settings, tmp_path):
    """Start a `manage.py qcluster` in a process group of its own; every one is stopped when the test ends."""
    started: list[subprocess.Popen] = []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.tracking.jobworker.settings",
        "DATABASE_URL": worker_db.url,
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        started.append(process)
        return process

    yield start
    for process in started:  # nothing to tidy up in a test database about to be flushed: no need to wait
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.log.close()


def _kill(process: subprocess.Popen) -> None:
    """As the out-of-memory killer or a lost machine would: the whole cluster at once, with no chance to tidy up."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _slow_job(*, steps=8, pause=0.3) -> ExportJob:
    user = make_user()
    return enqueue("test_slow", user=user, centre=make_centre(), params={"steps": steps, "pause": pause})


def test_a_job_whose_worker_was_killed_mid_job_is_run_again_by_another(worker_db, start_worker):
    """(A job killed on its last attempt is failed with a message instead: test_job_upkeep.py.)"""
    export_job = _slow_job()
    worker_db.publish()
    first = start_worker()
    worker_db.wait_for(export_job.pk, lambda s: s["progress_done"] >= 2, seconds=60, what="got going")

    _kill(first)
    killed = worker_db.job(export_job.pk)
    assert killed["status"] == "running" and killed["attempts"] == 1  # as it was left: nobody will finish it
    # Once its heartbeat is older than the recovery window, the next worker to start takes it up again.
    time.sleep(STALE_SECONDS + 1)
    start_worker()

    done = worker_db.wait_for(export_job.pk, lambda s: s["status"] == "done", seconds=60, what="finished")
    assert done["attempts"] == 2 and done["progress_done"] == 8 and done["result"]


@pytest.mark.postgres
def test_a_worker_whose_database_connections_are_cut_survives_and_finishes_the_job(worker_db, start_worker):
    if not worker_db.postgres:
        pytest.skip("Cutting a client's connection is a PostgreSQL server's doing (pg_terminate_backend).")
    export_job = _slow_job()
    worker = start_worker()
    worker_db.wait_for(export_job.pk, lambda s: s["progress_done"] >= 2, seconds=60, what="got going")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1

    done = worker_db.wait_for(export_job.pk, lambda s: s["status"] == "done", seconds=60, what="finished")
    assert done["result"] and done["attempts"] in (1, 2)
    assert worker.poll() is None  # the worker is still running, and still takes jobs
    another = _slow_job(steps=2, pause=0.1)
    assert worker_db.wait_for(another.pk, lambda s: s["status"] == "done", seconds=60, what="finished")["result"]


@pytest.mark.postgres
def test_two_workers_never_run_a_job_twice(worker_db, start_worker):
    if not worker_db.postgres:
        pytest.skip("Two workers at once are a PostgreSQL deployment's concern; SQLite serialises every write.")
    queued = [_slow_job(steps=3, pause=0.1) for _ in range(6)]
    # A second delivery of every task, as django-q2 makes when a lease runs out or two clusters race.
    for export_job in queued:
        jobs._dispatch(export_job)
    start_worker()
    start_worker()
    for export_job in queued:
        state = worker_db.wait_for(export_job.pk, lambda s: s["status"] == "done", seconds=60, what="finished")
        assert state["attempts"] == 1, state  # claimed once, run once


@pytest.mark.postgres
def test_five_simultaneous_presses_queue_one_job(catalogue, settings):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent requests are tested on PostgreSQL; SQLite serialises every write.")
    settings.JOBS_RUNNER = "worker"
    world = build_world()
    url = reverse("tracking:registration-pdf", args=[world.registration.pk])
    presses = 5
    barrier = threading.Barrier(presses)
    locations: list[str] = []

    def press():
        client = client_for(world.learner)
        try:
            barrier.wait(timeout=10)
            locations.append(client.post(url)["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(presses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    export_job = ExportJob.objects.get()
    assert locations == [reverse("tracking:job-status", args=[export_job.pk])] * presses
    assert OrmQ.objects.count() == 1  # and one task for the workers
