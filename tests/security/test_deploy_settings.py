"""The production profile: `check --deploy` is clean, and the settings refuse to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-test-key-" + "z" * 30


def _run(args: list[str], **env_overrides) -> subprocess.CompletedProcess:
    unset = {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "AWS_STORAGE_BUCKET_NAME",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    }
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DATABASE_URL": "sqlite:///:memory:"})
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


# Django redirects to HTTPS itself (the default), or the proxy does (SECURE_SSL_REDIRECT=false): clean either way.
@pytest.mark.parametrize(("ssl_redirect", "redirects"), [(None, True), ("true", True), ("false", False)])
def test_check_deploy_is_clean_under_production_settings(ssl_redirect, redirects):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="portfolio.example.org",
        SECURE_SSL_REDIRECT=ssl_redirect,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "no issues" in output
    setting = _run(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.SECURE_SSL_REDIRECT)"],
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="portfolio.example.org",
        SECURE_SSL_REDIRECT=ssl_redirect,
    )
    assert setting.stdout.strip() == str(redirects), setting.stderr


def test_only_the_redirect_warning_is_silenced_when_the_proxy_redirects():
    """The proxy mode silences security.W008 by name, nothing more: other deploy warnings still show."""
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="portfolio.example.org",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "security.W004" in output  # no HSTS: still reported
    assert "security.W008" not in output


def test_production_refuses_to_start_without_secret_key():
    result = _run(["manage.py", "check"], ALLOWED_HOSTS="portfolio.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_or_development_secret_key():
    for key in ("short", "dev-only-insecure-key-do-not-use-in-production-padding-padding"):
        result = _run(["manage.py", "check"], SECRET_KEY=key, ALLOWED_HOSTS="portfolio.example.org")
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run(["manage.py", "check"], SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_production_stores_files_in_s3_when_a_bucket_is_named():
    code = "from django.conf import settings; print(settings.STORAGES['default']); print(settings.DEBUG)"
    result = _run(
        ["-c", f"import django; django.setup(); {code}"],
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="portfolio.example.org",
        AWS_STORAGE_BUCKET_NAME="evidence-bucket",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "storages.backends.s3.S3Storage" in result.stdout
    assert "'bucket_name': 'evidence-bucket'" in result.stdout
    assert "'default_acl': None" in result.stdout
    assert result.stdout.strip().endswith("False")  # DEBUG is never on in production


# The demo data and the benchmark are tools: production neither installs nor routes them; the development,
# test and benchmark settings do.
TOOLING_REPORT = """
import sys
import django
django.setup()
from django.apps import apps
from django.core.management import get_commands
from django.urls import Resolver404, resolve
try:
    resolve("/bench/trivial/")
    routed = True
except Resolver404:
    routed = False
print("installed:", [name for name in ("demo", "benchmarks") if apps.is_installed(name)])
print("commands:", sorted(name for name in ("seed_demo", "benchmark") if name in get_commands()))
print("routed:", routed)
print("imported:", sorted(name for name in ("demo", "benchmarks") if name in sys.modules))
"""


def test_production_neither_installs_nor_routes_the_demo_or_the_benchmark():
    result = _run(["-c", TOOLING_REPORT], SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portfolio.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["installed: []", "commands: []", "routed: False", "imported: []"]


@pytest.mark.parametrize(
    ("settings_module", "routed"),
    [("config.settings.base", False), ("config.settings.test", False), ("config.settings.benchmark", True)],
)
def test_development_test_and_benchmark_settings_install_the_tools(settings_module, routed):
    """The quickstart seeds the demo under the base settings; only the benchmark settings route its trivial view."""
    result = _run(["-c", TOOLING_REPORT], DJANGO_SETTINGS_MODULE=settings_module)
    assert result.returncode == 0, result.stderr
    assert "installed: ['demo', 'benchmarks']" in result.stdout
    assert "commands: ['benchmark', 'seed_demo']" in result.stdout
    assert f"routed: {routed}" in result.stdout
