"""The background worker: runs queued jobs (whole-registration PDFs, EQA packs) one at a time."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from tracking.jobs import claim_next, fail_interrupted, run_job


class Command(BaseCommand):
    help = "Run queued background jobs until stopped (SIGTERM or Ctrl+C); --once drains the queue and exits."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every queued job, then exit.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between looks at an empty queue.")

    def handle(self, *args, once: bool = False, poll: float = 1.0, **options):
        stop = threading.Event()

        def request_stop(signum, frame):
            # Finish the job in hand, then leave.
            stop.set()

        previous = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, request_stop)
        try:
            interrupted = fail_interrupted()
            if interrupted:
                self.stderr.write(f"Marked {interrupted} interrupted job(s) failed.")
            ran = 0
            while not stop.is_set():
                if not connection.in_atomic_block:  # (tests run the command inside a transaction)
                    close_old_connections()  # a long-running worker must not hold a dead connection
                export_job = claim_next()
                if export_job is None:
                    if once:
                        break
                    stop.wait(poll)
                    continue
                finished = run_job(export_job)
                ran += 1
                if options.get("verbosity", 1) >= 1:
                    self.stdout.write(f"Job {finished.pk} ({finished.kind}): {finished.get_status_display()}")
            if once and options.get("verbosity", 1) >= 1:
                self.stdout.write(f"Ran {ran} job(s).")
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
