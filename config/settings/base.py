"""Settings shared by every environment, read from the environment and failing fast on bad values."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# DATABASES is the setting; test.py adds to it with the other two.
from .database import DATABASES, ON_POSTGRESQL, add_postgres_setting  # noqa: F401
from .environment import BASE_DIR, env_bool, env_int, env_list
from .sso import oidc_apps_from_env

DEBUG = env_bool("DEBUG", False)
# Development only: production.py refuses to start without a real key.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

# Tools for development, tests and measurement, not part of the product: the demo data (`manage.py seed_demo`)
# and the benchmark (`manage.py benchmark`). The production settings leave them out.
TOOLING_APPS = ["demo", "benchmarks"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the form renderer finds Django's widget templates beside ours
    "django_q",  # background jobs and periodic tasks (tracking/jobs.py, core/periodic.py)
    "heroicons",  # the icon set, as template tags that print inline SVG (no font, nothing from a CDN)
    # Sign-in, password reset, rate limits, MFA (TOTP, recovery codes, passkeys) and OpenID Connect single sign-on.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "qualifications",
    "centres",
    "ledger",
    "notifications",
    "portfolio",
    "tracking",
    "quality",
    "planning",
    "conversations",
    "observations",
    "apprenticeships",
    "dashboard",
    "exchange",
    "api",
    "ninja",  # django-ninja: its static copy of Swagger UI serves /api/v1/docs (no CDN)
    *TOOLING_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Everything below may read the database: a database that cannot be reached is answered with the 503 page.
    "core.middleware.DatabaseFaultMiddleware",
    "qualifications.middleware.CatalogueVersionMiddleware",
    "centres.middleware.RememberAccessMiddleware",
    "core.middleware.SessionMiddleware",  # Django's, with a database fault while saving the session a 503
    "django.middleware.locale.LocaleMiddleware",  # the browser's language (Accept-Language) for anyone
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "centres.middleware.SessionUserMiddleware",  # Django's AuthenticationMiddleware, the user read with the session
    "centres.language.PersonLanguageMiddleware",  # a signed-in person's chosen language, over the browser's
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.PrivatePagesMiddleware",  # Cache-Control: private, no-store for a signed-in person
    "django.contrib.messages.middleware.MessageMiddleware",
    "centres.middleware.SessionLifetimeMiddleware",
    "centres.auth.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "centres.context_processors.roles",
                "notifications.context_processors.unread_notifications",
            ],
            # {% url %} with whole-number arguments answered from pieces reversed once (core/templatetags/urls.py);
            # |date with the formats our pages write answered from a plan made once (core/templatetags/dates.py)
            "builtins": ["core.templatetags.urls", "core.templatetags.dates"],
            # Design-system fragments a table draws on every row (core is not an installed app: named here), and
            # Django's i18n library with {% translate %} and {% blocktranslate %} keeping what they work out once
            "libraries": {"components": "core.templatetags.components", "i18n": "core.templatetags.i18n"},
        },
    },
]

# templates.W003 warns that a library label names two modules: "i18n" above deliberately replaces Django's own
# library with core.templatetags.i18n (Django's tags, two of them answering faster). tests/core/test_i18n_tags.py
# runs the check and fails on any other label used twice.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

WSGI_APPLICATION = "config.wsgi.application"

AUTH_USER_MODEL = "centres.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Authentication is django-allauth's (docs/deploy.md, "Sign-in"). Accounts are made by centres and invitations:
# nobody signs up (centres.auth.adapters), and people sign in with their email address.
ACCOUNT_ADAPTER = "centres.auth.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "centres.auth.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"  # the centre gave the address; the invitation link proved it
ACCOUNT_SESSION_REMEMBER = False  # sessions end as SESSION_IDLE_MINUTES / SESSION_ABSOLUTE_HOURS say
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "login"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Portfolio: "
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("REAUTHENTICATION_MINUTES", 10) * 60
# Failed sign-ins are counted per account (email) and per client address: after 5 failures for one account in
# 15 minutes, or 20 a minute from one address, even the right password is refused until the window passes.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/m/ip,5/15m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
}
# The client's address is the one the given number of trusted proxies in front of us saw (X-Forwarded-For, read
# from the right): 0 when the app is reached directly, 1 behind the nginx of docs/deploy.md.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# The rate limits' counters are kept in the cache, shared by every worker process: the database's cache table
# (`manage.py createcachetable`), so that no other service is needed.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}

# MFA (allauth.mfa): required for centre admins, IQAs, EQAs and superusers, and for assessors where their centre
# says so (centres.auth.policy); anyone else may turn it on. Passkeys can also sign in without a password.
# Only the benchmark's settings turn the requirement off (its synthetic staff have no second factor); MFA itself
# stays on.
MFA_REQUIRED_BY_ROLE = True
MFA_ADAPTER = "centres.auth.adapters.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Portfolio")
# A code is accepted for one 30-second step either side of now (RFC 6238's advice for clock drift and typing time):
# without it a code read in a step's last seconds fails when it arrives in the next. Each code is still used once.
MFA_TOTP_TOLERANCE = 1
# WebAuthn needs a secure context: https, or http://localhost in development and tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False)

# Single sign-on by OpenID Connect (Microsoft Entra ID, Google Workspace, or any other provider), configured from the
# environment (config/settings/sso.py). Only people who already have an account may sign in this way: the
# provider's verified email address is matched to theirs, and no account is ever created.
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": oidc_apps_from_env(os.environ)}}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: expire after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS in all. The idle
# clock (and the cookie's age with it) moves on at most once every SESSION_TOUCH_SECONDS, when the session is
# written (centres.middleware), not on every request.
# Sessions are Django's database sessions in centres.UserSession, whose row names its user (read with it).
SESSION_ENGINE = "centres.sessions"
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_TOUCH_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# The interface in English or Welsh (locale/cy/LC_MESSAGES/django.po), chosen per person (User.language) or, when
# they have not chosen, by the browser. Qualification content stays in the language of its specification.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]


def _xstatic_bootstrap_dir() -> Path:
    import xstatic.pkg.bootstrap as xstatic_bootstrap

    return Path(xstatic_bootstrap.BASE_DIR)


STATICFILES_DIRS.append(("bootstrap", _xstatic_bootstrap_dir()))


def s3_storage(environ) -> dict | None:
    """The default storage for S3-compatible object storage (django-storages' S3Storage) when
    AWS_STORAGE_BUCKET_NAME is set, else None. Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    (or an instance role) through boto3. The storage tests build their settings with this same function."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "location": environ.get("AWS_LOCATION", ""),
            "default_acl": None,  # private objects: files go out only through permission-checked views
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }


MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# No MEDIA_URL is served: evidence files go out only through permission-checked views.
STORAGES = {
    "default": s3_storage(os.environ)
    or {"BACKEND": os.environ.get("FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# How a permitted evidence download is sent (docs/deploy.md, section 4): "django" streams it from storage;
# "x-accel" answers with X-Accel-Redirect to nginx's internal location EVIDENCE_XACCEL_PREFIX (files on disk);
# "s3-presigned" redirects to a presigned URL of the object that lives EVIDENCE_PRESIGNED_SECONDS (S3 storage).
EVIDENCE_SERVE = os.environ.get("EVIDENCE_SERVE", "django")
if EVIDENCE_SERVE not in {"django", "x-accel", "s3-presigned"}:
    raise ImproperlyConfigured(f'EVIDENCE_SERVE must be "django", "x-accel" or "s3-presigned", not {EVIDENCE_SERVE!r}')
EVIDENCE_XACCEL_PREFIX = "/" + os.environ.get("EVIDENCE_XACCEL_PREFIX", "/protected-media/").strip("/") + "/"
EVIDENCE_PRESIGNED_SECONDS = env_int("EVIDENCE_PRESIGNED_SECONDS", 60)

# Uploads: anything over 2.5 MB is streamed to a temporary file, never held whole in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
# The REST API (api/): the largest request body (413 above) and the requests a token may make per minute (429).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_KB", 64) * 1024
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 120)
EVIDENCE_MAX_FILE_BYTES = env_int("EVIDENCE_MAX_FILE_MB", 500) * 1024 * 1024
# An observation's or a professional discussion's recording (audio or video) is refused above this size.
OBSERVATION_MAX_RECORDING_BYTES = env_int("OBSERVATION_MAX_RECORDING_MB", 200) * 1024 * 1024
# Images are decoded to be cleaned: these bound the memory one upload can take (about 4 bytes a pixel, a few
# copies while re-encoding). 50 megapixels covers a 48-megapixel phone photo; every GIF frame counts.
EVIDENCE_MAX_IMAGE_PIXELS = env_int("EVIDENCE_MAX_IMAGE_MEGAPIXELS", 50) * 1_000_000
EVIDENCE_MAX_IMAGE_FRAMES = env_int("EVIDENCE_MAX_IMAGE_FRAMES", 1000)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portfolio@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Every form renders through templates/forms/ (Bootstrap 5 markup, help text and errors announced): see config/forms.py.
FORM_RENDERER = "config.forms.BootstrapFormRenderer"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts and styles only from our own static files, no
# inline script or style attribute anywhere. Production adds the S3 origin for media when one is configured.
CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS", [])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *CSP_MEDIA_ORIGINS],
        "media-src": ["'self'", "blob:", *CSP_MEDIA_ORIGINS],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
# Background jobs (tracking/jobs.py) run in django-q2's cluster, `manage.py qcluster`, with the database as broker.
JOBS_RUNNER = os.environ.get("JOBS_RUNNER", "worker")  # "worker": qcluster picks jobs up; "sync": run at once (tests)
JOBS_TIMEOUT_SECONDS = env_int("JOBS_TIMEOUT_SECONDS", 30 * 60)  # a job running longer is stopped and failed
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 5)  # a running job's heartbeat, written by a ticker
JOBS_STALE_AFTER_SECONDS = env_int("JOBS_STALE_AFTER_SECONDS", 30)  # no heartbeat for this long: its worker died
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)  # runs of one job (first try included) before it is failed
JOBS_KEEP_RESULTS_DAYS = env_int("JOBS_KEEP_RESULTS_DAYS", 7)  # finished jobs' files are deleted after this
JOBS_WORKER_ABSENT_AFTER_SECONDS = env_int("JOBS_WORKER_ABSENT_AFTER_SECONDS", 3 * 60)  # the job page warns then
Q_CLUSTER = {
    "name": "portfolio",
    "orm": "default",  # the database is the broker: nothing else to run, on SQLite or PostgreSQL
    "workers": env_int("JOBS_WORKERS", 2),
    "timeout": JOBS_TIMEOUT_SECONDS,
    # A task not acknowledged within `retry` seconds is handed out again (a backstop: the watchdog of
    # tracking/jobs.py re-queues a job whose worker died long before). It must exceed `timeout`, or a long job
    # would be handed to a second worker while the first still runs it.
    "retry": JOBS_TIMEOUT_SECONDS + 5 * 60,
    "max_attempts": JOBS_MAX_ATTEMPTS,
    "ack_failures": True,
    "catch_up": False,  # after downtime, run each periodic task once, not once per missed period
    "poll": 1,  # seconds between looks at an empty queue
    "save_limit": 200,
    "label": "Background tasks",
}
