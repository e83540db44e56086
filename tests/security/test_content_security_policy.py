"""The Content-Security-Policy (django-csp) is on every HTML page, and no template needs what it forbids: no inline
script, no inline event handler, no style attribute (values reach scripts through data attributes)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
# Templates that never reach a browser as a web page: the PDFs (WeasyPrint) and the EQA pack's files (a ZIP).
NOT_WEB_PAGES = ("tracking/pdf/", "quality/pack/")
POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {name: value for name, _, value in (part.strip().partition(" ") for part in header.split(";"))}


def _web_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if not relative.startswith(NOT_WEB_PAGES):
            yield relative, path.read_text()


@pytest.mark.django_db
def test_signed_in_pages_carry_the_policy(client, world):
    client.force_login(world.learner)
    for url in (reverse("home"), reverse("portfolio:my-portfolio"), reverse("qualifications:list")):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert _policy(response) == POLICY


@pytest.mark.django_db
def test_sign_in_error_and_statement_pages_carry_the_policy(client):
    for url, status in ((reverse("login"), 200), (reverse("accessibility"), 200), ("/no-such-page/", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert _policy(response) == POLICY
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_no_template_has_an_inline_script_or_handler():
    offenders = []
    for name, text in _web_templates():
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0) or not text[match.end() :].startswith("</script>"):
                offenders.append(f"{name}: {match.group(0)}")
        offenders += [f"{name}: {handler}" for handler in re.findall(r"\son[a-z]+=\"", text)]
        offenders += [f"{name}: javascript: URL" for _ in re.findall(r"javascript:", text)]
    assert offenders == []


def test_no_template_has_a_style_attribute_or_element():
    offenders = [name for name, text in _web_templates() if re.search(r"\sstyle=|<style\b", text)]
    assert offenders == []


def test_production_adds_the_s3_origin_for_media():
    code = "import json; from django.conf import settings; print(json.dumps(settings.CONTENT_SECURITY_POLICY))"
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": "sqlite:///:memory:",
        "SECRET_KEY": "k" * 20 + "-production-test-key-" + "z" * 30,
        "ALLOWED_HOSTS": "portfolio.example.org",
        "AWS_STORAGE_BUCKET_NAME": "evidence",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    directives = json.loads(result.stdout)["DIRECTIVES"]
    assert directives["img-src"] == ["'self'", "data:", "blob:", "https://s3.example.org"]
    assert directives["media-src"] == ["'self'", "blob:", "https://s3.example.org"]
    assert directives["default-src"] == ["'self'"]
