"""A test-only app for the real-worker tests (tests/tracking/test_job_worker.py): a slow kind of job, and the
settings a `manage.py qcluster` subprocess runs with (short heartbeat and recovery windows, so a test takes
seconds rather than minutes)."""
