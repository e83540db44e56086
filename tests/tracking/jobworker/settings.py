"""Settings of the worker subprocess in the real-worker tests: the test settings, this app, and recovery
windows of seconds (JOBS_STALE_AFTER_SECONDS is the time a test waits for a killed worker's job to be seen)."""

from config.settings.test import *  # noqa: F403
from config.settings.test import INSTALLED_APPS, Q_CLUSTER

INSTALLED_APPS = [*INSTALLED_APPS, "tests.tracking.jobworker"]
JOBS_RUNNER = "worker"
JOBS_HEARTBEAT_SECONDS = 1
JOBS_STALE_AFTER_SECONDS = 3
Q_CLUSTER = {**Q_CLUSTER, "workers": 1, "timeout": 60, "retry": 90, "poll": 0.2}
