"""The background jobs' periodic tasks (declared in TrackingConfig.ready with core.periodic) and the worker's
sign of life that the job page reads.

- `watchdog`: a running job whose heartbeat stopped (its worker was killed, ran out of memory, lost its
  machine) goes back in the queue, or is failed with a message after its last attempt (tracking.jobs).
- `remove_old_results`: finished jobs' files are deleted from storage after JOBS_KEEP_RESULTS_DAYS days.
- `worker_heartbeat`: records that a worker on this host is alive; each worker process does it as it starts too.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from .jobs import retry_or_fail
from .models import ExportJob, WorkerSighting

logger = logging.getLogger(__name__)

STOPPED_WORKER = "The background worker stopped while building this"


def watchdog(now: dt.datetime | None = None) -> dict[str, int]:
    """Retry or fail every running job without a heartbeat for JOBS_STALE_AFTER_SECONDS."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    stale = ExportJob.objects.filter(status=ExportJob.Status.RUNNING).filter(
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, started_at__lt=stale_before)
    )
    outcome = {"retried": 0, "failed": 0, "unchanged": 0}
    for pk, attempt, heartbeat_at in stale.values_list("pk", "attempts", "heartbeat_at"):
        result = retry_or_fail(pk, attempt=attempt, reason=STOPPED_WORKER, stale_before=stale_before)
        outcome[result] += 1
        if result != "unchanged":
            logger.warning("Job %s had no heartbeat since %s: %s", pk, heartbeat_at, result)
    return outcome


def remove_old_results(now: dt.datetime | None = None) -> int:
    """Delete the files of jobs finished more than JOBS_KEEP_RESULTS_DAYS days ago; the job rows stay (the
    history points at them) and their page says the file was removed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.JOBS_KEEP_RESULTS_DAYS)
    old = ExportJob.objects.filter(status=ExportJob.Status.DONE, finished_at__lt=cutoff).exclude(result="")
    removed = 0
    for export_job in old.only("pk", "result"):
        export_job.result.delete(save=False)  # storage ignores a file already gone
        removed += ExportJob.objects.filter(pk=export_job.pk).update(result="", result_removed_at=now)
    return removed


def worker_heartbeat(now: dt.datetime | None = None) -> None:
    """Record that a background worker on this host is alive."""
    host = socket.gethostname()[:200]
    WorkerSighting.objects.update_or_create(host=host, defaults={"seen_at": now or timezone.now()})


def on_worker_start(sender, proc_name: str = "", **kwargs) -> None:
    """django-q2's post_spawn: a worker process starts. Say the worker is alive and recover jobs at once, so a
    restarted worker picks up what a killed one left without waiting for the next watchdog run."""
    try:
        worker_heartbeat()
        watchdog()
    except Exception:  # the worker must start even if the database is away; the schedules try again
        logger.exception("Could not record the worker's start")


def worker_absent_minutes(since: dt.datetime, now: dt.datetime | None = None) -> int | None:
    """Minutes since a background worker was last seen (or since `since`, when none ever was), if that is longer
    than JOBS_WORKER_ABSENT_AFTER_SECONDS; None while a worker is about."""
    now = now or timezone.now()
    last_seen = WorkerSighting.objects.aggregate(last=Max("seen_at"))["last"]
    absent_since = last_seen or since
    if now - absent_since <= dt.timedelta(seconds=settings.JOBS_WORKER_ABSENT_AFTER_SECONDS):
        return None
    return max(1, int((now - absent_since).total_seconds() // 60))
