"""Settings for `manage.py benchmark` and the gunicorn it starts: production-like (DEBUG off, real password
hashing, manifest-free static files), its own database and media folder from the environment, and a trivial
view (`bench-trivial`, from the benchmarks app) to compare the main pages against."""

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
BENCHMARK_VIEWS = True
JOBS_RUNNER = "sync"
# The synthetic centres' staff sign in with a password alone: the pages measured are the pages, not the MFA set-up
# page every admin and IQA would otherwise be sent to (centres.auth.middleware).
MFA_REQUIRED_BY_ROLE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "ERROR"}}
# The benchmark times each API endpoint with dozens of requests a minute on one token: no rate limit in the way.
API_RATE_PER_MINUTE = 1_000_000
