"""Background jobs: whole-registration PDFs, EQA packs and other exports that take more than a moment.

How to add a kind of job (the quality app's EQA pack, say), in `<app>/exports.py` (imported at start-up
by TrackingConfig.ready, so the worker knows every kind):

    from tracking.jobs import JobError, job, save_result

    def _may_download(job, user) -> bool:     # optional: who may see the job and download its result
        return user.pk == job.created_by_id and ...

    @job("eqa_pack", access=_may_download)
    def build_eqa_pack(export_job):
        export_job.report(0, 10, "Collecting the sample")   # progress shown on the status page
        ...
        save_result(export_job, "eqa-pack.zip", data)      # bytes, or a file object (streamed into storage)

and queue it from a view with `enqueue("eqa_pack", user=request.user, centre=centre, params={...})`, then
redirect to reverse("tracking:job-status", args=[job.pk]). Params must be JSON. A job function runs
outside any transaction (so its progress is visible at once); it raises JobError with a message for the
user when it cannot do the work; any other exception fails the job with a generic message and is logged.

settings.JOBS_RUNNER: "worker" (default) hands the job to django-q2's cluster (`manage.py qcluster`, the database
as broker); "sync" runs it at once inside enqueue (the test settings use it).

How a job runs and recovers (the periodic tasks live in tracking/job_upkeep.py):
- The same request (user, kind, params) while its job is queued or running gets that job back: a unique
  constraint on the live jobs' `request_key` holds it across processes, so five presses make one job.
- django-q2 may deliver a task more than once (its lease ran out, two clusters); `execute` claims the job with
  a conditional UPDATE (status queued -> running), so only one delivery runs it and the others do nothing.
- While it runs, a ticker thread and every `report()` write its heartbeat; the watchdog puts a job whose
  heartbeat stopped (a worker killed, out of memory, a lost machine) back in the queue, up to JOBS_MAX_ATTEMPTS
  runs, then fails it with a message. A run given up on cannot write over the next: its writes name its attempt.
- A job whose database connection is lost mid-way is retried the same way; the worker carries on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django_q.exceptions import TimeoutException

from centres.models import record_event
from core.errors import DomainError

from .models import ExportJob

logger = logging.getLogger(__name__)


class JobError(DomainError):
    """A job cannot be queued or cannot do its work; the message is meant for the user."""


@dataclass(frozen=True)
class JobKind:
    name: str
    function: Callable[[ExportJob], None]
    access: Callable[[ExportJob, object], bool]
    label: str
    # What a finished job made that is not a file to download (a registration imported, say): (url, words).
    result_link: Callable[[ExportJob], tuple[str, str] | None] | None = None


def _creator_only(export_job: ExportJob, user) -> bool:
    return user.is_authenticated and export_job.created_by_id == user.pk


REGISTRY: dict[str, JobKind] = {}


def job(
    name: str,
    *,
    access: Callable[[ExportJob, object], bool] | None = None,
    label: str = "",
    result_link: Callable[[ExportJob], tuple[str, str] | None] | None = None,
):
    """Register a job function under `name`. `access(job, user)` decides who may see and download it
    (by default only the person who asked for it). `result_link(job)`, for a job whose result is not a file,
    gives the (url, words) of what it made, shown on its page once it is done."""

    def register(function: Callable[[ExportJob], None]):
        REGISTRY[name] = JobKind(name, function, access or _creator_only, label or name.replace("_", " "), result_link)
        return function

    return register


def kind_of(export_job: ExportJob) -> JobKind | None:
    return REGISTRY.get(export_job.kind)


def user_may_access(export_job: ExportJob, user) -> bool:
    kind = kind_of(export_job)
    if kind is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(kind.access(export_job, user))


def request_key(kind: str, user, params: dict) -> str:
    """The same request (who, what kind, which params) always gives the same key."""
    payload = json.dumps({"user": user.pk, "kind": kind, "params": params}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


LIVE = (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)


def _live_job(key: str) -> ExportJob | None:
    return ExportJob.objects.filter(request_key=key, status__in=LIVE).order_by("created_at", "id").first()


def enqueue(kind: str, *, user, centre, params: dict | None = None, runner: str | None = None) -> ExportJob:
    """Queue a job of a registered kind for `user` at `centre` and return it; the same request while its job is
    still queued or running returns that job instead. With JOBS_RUNNER="sync" (or `runner="sync"`: tooling such as
    the demo's seed, never a request), the job runs at once in this process."""
    if kind not in REGISTRY:
        raise JobError(_("Unknown kind of job: %(kind)s.") % {"kind": kind})
    runner = runner or getattr(settings, "JOBS_RUNNER", "worker")
    if runner not in ("worker", "sync"):
        raise JobError(_('JOBS_RUNNER must be "worker" or "sync", not %(runner)s.') % {"runner": f"{runner!r}"})
    params = params or {}
    key = request_key(kind, user, params)
    existing = _live_job(key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            export_job = ExportJob.objects.create(
                kind=kind, params=params, centre=centre, created_by=user, request_key=key
            )
            record_event(
                action="export_requested",
                obj=export_job,
                actor=user,
                centre=centre,
                registration_id=params.get("registration_id"),
                summary=f"{user} asked for a {REGISTRY[kind].label}",
                kind=kind,
                params=params,
            )
            if runner == "worker":
                _dispatch(export_job)  # the task row is written in the same transaction (the broker is the database)
    except IntegrityError:
        # Another request for the same thing got in first (the unique constraint on live jobs decided).
        existing = _live_job(key)
        if existing is None:
            raise
        return existing
    if runner == "sync":
        execute(export_job.pk)
        export_job.refresh_from_db()
    return export_job


def _dispatch(export_job: ExportJob) -> None:
    """Hand the job to django-q2's cluster; `execute` runs it there."""
    if getattr(settings, "JOBS_RUNNER", "worker") == "sync":
        transaction.on_commit(lambda: execute(export_job.pk))
        return
    from django_q.tasks import async_task

    async_task(
        "tracking.jobs.execute",
        export_job.pk,
        task_name=f"{export_job.kind} #{export_job.pk} run {export_job.attempts + 1}",
        group=export_job.kind,
    )


def claim(pk: int) -> ExportJob | None:
    """Mark one queued job running and return it, or None if another delivery already took it (or it is
    finished). One conditional UPDATE decides, so it holds across workers and machines (on PostgreSQL the
    second UPDATE waits for the first's row lock, then finds the status changed)."""
    now = timezone.now()
    taken = ExportJob.objects.filter(pk=pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress_done=0,
        progress_total=0,
    )
    return ExportJob.objects.get(pk=pk) if taken else None


def execute(pk: int) -> str:
    """Run job `pk` if it is still queued: what django-q2's worker calls for each delivery of a job's task."""
    export_job = claim(pk)
    if export_job is None:
        return "not queued: already taken or finished"
    ticker = _Ticker(export_job)
    ticker.start()
    try:
        run_job(export_job)
    except _ConnectionLost:
        logger.warning("Job %s (%s) lost its database connection; trying again", export_job.pk, export_job.kind)
        connection.close()  # the next query opens a new one
        return retry_or_fail(export_job.pk, attempt=export_job.attempts, reason="The database connection was lost")
    finally:
        ticker.stop()
    return "ran"


def retry_or_fail(pk: int, *, attempt: int, reason: str, stale_before=None) -> str:
    """Put a running job whose run stopped back in the queue, or fail it with a message after its last attempt.
    Only the run named by `attempt` (and, for the watchdog, only if its heartbeat is older than `stale_before`)
    is changed, so a run that is still alive, or a newer one, is never touched."""
    maximum = settings.JOBS_MAX_ATTEMPTS
    running = ExportJob.objects.filter(pk=pk, status=ExportJob.Status.RUNNING, attempts=attempt)
    if stale_before is not None:
        running = running.filter(Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True))
    with transaction.atomic():
        if attempt < maximum:
            changed = running.update(
                status=ExportJob.Status.QUEUED,
                heartbeat_at=None,
                progress_done=0,
                progress_total=0,
                message=f"{reason}, so this is being tried again (attempt {attempt + 1} of {maximum}).",
            )
            if changed:
                _dispatch(ExportJob.objects.get(pk=pk))
                return "retried"
            return "unchanged"
        changed = running.update(
            status=ExportJob.Status.FAILED,
            finished_at=timezone.now(),
            message=f"{reason} on each of {maximum} attempts, so this was stopped. Ask for it again; if it stops "
            "again, tell your centre's administrator.",
        )
    return "failed" if changed else "unchanged"


class _ConnectionLost(Exception):
    """The job's database connection broke under it (the server restarted, the connection was cut)."""


class _Ticker(threading.Thread):
    """Writes the running job's heartbeat every JOBS_HEARTBEAT_SECONDS, on its own database connection, so a
    job busy in one long step still shows it is alive; stops with the job."""

    def __init__(self, export_job: ExportJob):
        super().__init__(name=f"job-{export_job.pk}-heartbeat", daemon=True)
        self.pk, self.attempt = export_job.pk, export_job.attempts
        self.every = settings.JOBS_HEARTBEAT_SECONDS
        self.finished = threading.Event()

    def start(self) -> None:
        if self.every > 0 and getattr(settings, "JOBS_RUNNER", "worker") == "worker":
            super().start()

    def run(self) -> None:
        try:
            while not self.finished.wait(self.every):
                try:
                    ExportJob.objects.filter(pk=self.pk, status=ExportJob.Status.RUNNING, attempts=self.attempt).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    logger.warning("Job %s: could not write its heartbeat", self.pk, exc_info=True)
                    connection.close()  # this thread's own; the next beat opens a new one
        finally:
            connection.close()

    def stop(self) -> None:
        self.finished.set()
        if self.is_alive():
            self.join(timeout=10)


def save_result(export_job: ExportJob, filename: str, content: bytes | BinaryIO) -> None:
    """Store the job's result file (under a generated name) and the name offered on download.

    `content` is the file's bytes, or a binary file object (a temporary file, say) that storage copies in
    chunks from its start, so a large result is never held in memory whole."""
    export_job.result_name = _download_name(filename)
    stored = f"{export_job.kind}-{export_job.pk}-{secrets.token_hex(8)}{_suffix(filename)}"
    if isinstance(content, bytes | bytearray | memoryview):
        upload = ContentFile(bytes(content), name=stored)
    else:
        upload = File(content, name=stored)
    export_job.result.save(stored, upload, save=False)
    kept = ExportJob.objects.filter(pk=export_job.pk, attempts=export_job.attempts).update(
        result=export_job.result.name, result_name=export_job.result_name
    )
    if not kept:  # this run was given up on and another has the job now: leave no orphan behind
        export_job.result.delete(save=False)


def _download_name(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return get_valid_filename(base).lstrip(".")[:200] or "export"
    except SuspiciousFileOperation:
        return "export"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:][:10] if dot > 0 else ""


def run_job(export_job: ExportJob) -> ExportJob:
    """Run a claimed job to the end, recording done or failed (with a message) and cleaning up on failure.
    Raises _ConnectionLost, writing nothing, when the database connection broke under the job."""
    kind = kind_of(export_job)
    this_run = ExportJob.objects.filter(pk=export_job.pk, status=ExportJob.Status.RUNNING, attempts=export_job.attempts)
    try:
        if kind is None:
            raise JobError(_("Unknown kind of job: %(kind)s.") % {"kind": export_job.kind})
        kind.function(export_job)
    except (Exception, TimeoutException) as error:
        if isinstance(error, DatabaseError) and not _connection_usable():
            raise _ConnectionLost from error
        if isinstance(error, JobError):
            message = str(error)
        elif isinstance(error, TimeoutException):
            minutes = max(1, settings.JOBS_TIMEOUT_SECONDS // 60)
            message = f"This took longer than {minutes} minutes, so it was stopped. Tell your centre."
        else:
            logger.exception("Job %s (%s) failed", export_job.pk, export_job.kind)
            message = "Something went wrong while building this. Try again; if it fails again, tell your centre."
        if export_job.result:
            export_job.result.delete(save=False)
        this_run.update(status=ExportJob.Status.FAILED, message=message, finished_at=timezone.now(), result="")
    else:
        this_run.update(status=ExportJob.Status.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now())
    export_job.refresh_from_db()
    return export_job


def _connection_usable() -> bool:
    return connection.connection is None or connection.is_usable()
