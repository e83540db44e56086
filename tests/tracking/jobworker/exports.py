"""A slow kind of job that both the test process and the worker subprocess know (this app's exports module is
imported by TrackingConfig.ready in the worker; the tests import it themselves)."""

import time

from tracking.jobs import job, save_result


@job("test_slow")
def slow(export_job):
    steps, pause = int(export_job.params.get("steps", 8)), float(export_job.params.get("pause", 0.5))
    for done in range(1, steps + 1):
        time.sleep(pause)
        export_job.report(done, steps, f"Step {done} of {steps}")
    save_result(export_job, "slow.txt", b"slow and steady")
