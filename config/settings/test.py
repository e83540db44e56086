"""Settings for the test suite: fast hashing, in-memory email, files in a throwaway folder."""

import os
import tempfile

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="portfolio-test-media-"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
JOBS_RUNNER = "sync"
# Tests never run collectstatic: static files come from the finders (the live server serves them that way), so
# there is no collected folder for WhiteNoise to index.
STATIC_ROOT = None
# Rate-limit counters in memory, emptied before each test (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if ON_POSTGRESQL:  # noqa: F405
    # A test database is thrown away: its commits need not wait for the disk (the live server and the transactional
    # tests commit on every request and between tests).
    add_postgres_setting("synchronous_commit", "off")  # noqa: F405
COMPILED_READS_VERIFY = True  # core.compiled: every compiled read checked against the SQL Django builds
