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

settings.JOBS_RUNNER: "worker" (default) queues the job for `manage.py run_worker`; "sync" runs it at
once inside enqueue (the test settings use it).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

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


def _creator_only(export_job: ExportJob, user) -> bool:
    return user.is_authenticated and export_job.created_by_id == user.pk


REGISTRY: dict[str, JobKind] = {}


def job(name: str, *, access: Callable[[ExportJob, object], bool] | None = None, label: str = ""):
    """Register a job function under `name`. `access(job, user)` decides who may see and download it
    (by default only the person who asked for it)."""

    def register(function: Callable[[ExportJob], None]):
        REGISTRY[name] = JobKind(name, function, access or _creator_only, label or name.replace("_", " "))
        return function

    return register


def kind_of(export_job: ExportJob) -> JobKind | None:
    return REGISTRY.get(export_job.kind)


def user_may_access(export_job: ExportJob, user) -> bool:
    kind = kind_of(export_job)
    if kind is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(kind.access(export_job, user))


def enqueue(kind: str, *, user, centre, params: dict | None = None) -> ExportJob:
    """Queue a job of a registered kind for `user` at `centre`; with JOBS_RUNNER="sync", run it at once."""
    if kind not in REGISTRY:
        raise JobError(f"Unknown kind of job: {kind}.")
    export_job = ExportJob.objects.create(kind=kind, params=params or {}, centre=centre, created_by=user)
    record_event(
        action="export_requested",
        obj=export_job,
        actor=user,
        centre=centre,
        registration_id=(params or {}).get("registration_id"),
        summary=f"{user} asked for a {REGISTRY[kind].label}",
        kind=kind,
        params=params or {},
    )
    runner = getattr(settings, "JOBS_RUNNER", "worker")
    if runner == "sync":
        if claim(export_job.pk):
            run_job(ExportJob.objects.get(pk=export_job.pk))
        export_job.refresh_from_db()
    elif runner != "worker":
        raise JobError(f'JOBS_RUNNER must be "worker" or "sync", not {runner!r}.')
    return export_job


def claim(pk: int) -> bool:
    """Mark one queued job running; False if someone else already took it."""
    return bool(
        ExportJob.objects.filter(pk=pk, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.RUNNING, started_at=timezone.now()
        )
    )


def claim_next() -> ExportJob | None:
    """Take the oldest queued job for this worker, or None. Safe with several workers at once: on
    PostgreSQL rows another worker holds are skipped (SKIP LOCKED); elsewhere a conditional UPDATE decides."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            export_job = (
                ExportJob.objects.select_for_update(skip_locked=True)
                .filter(status=ExportJob.Status.QUEUED)
                .order_by("created_at", "id")
                .first()
            )
            if export_job is None:
                return None
            export_job.status = ExportJob.Status.RUNNING
            export_job.started_at = timezone.now()
            export_job.save(update_fields=["status", "started_at"])
            return export_job
    for pk in (
        ExportJob.objects.filter(status=ExportJob.Status.QUEUED)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:10]
    ):
        if claim(pk):
            return ExportJob.objects.get(pk=pk)
    return None


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
    ExportJob.objects.filter(pk=export_job.pk).update(result=export_job.result.name, result_name=export_job.result_name)


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
    """Run a claimed job to the end, recording done or failed (with a message) and cleaning up on failure."""
    kind = kind_of(export_job)
    try:
        if kind is None:
            raise JobError(f"Unknown kind of job: {export_job.kind}.")
        kind.function(export_job)
    except Exception as error:
        if isinstance(error, JobError):
            message = str(error)
        else:
            logger.exception("Job %s (%s) failed", export_job.pk, export_job.kind)
            message = "Something went wrong while building this. Try again; if it fails again, tell your centre."
        if export_job.result:
            export_job.result.delete(save=False)
        ExportJob.objects.filter(pk=export_job.pk).update(
            status=ExportJob.Status.FAILED, message=message, finished_at=timezone.now(), result=""
        )
    else:
        ExportJob.objects.filter(pk=export_job.pk).update(status=ExportJob.Status.DONE, finished_at=timezone.now())
    export_job.refresh_from_db()
    return export_job


def fail_interrupted(older_than_minutes: int = 60) -> int:
    """Jobs left running by a worker that stopped mid-way are marked failed, so nobody waits for them forever."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    return ExportJob.objects.filter(status=ExportJob.Status.RUNNING, started_at__lt=cutoff).update(
        status=ExportJob.Status.FAILED,
        message="The worker stopped while building this. Ask for it again.",
        finished_at=timezone.now(),
    )
