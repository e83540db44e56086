"""EVIDENCE_SERVE="x-accel": after the permission check, nginx is told to send the file from its internal location
(docs/deploy.md, section 4); the application reads none of it. (The presigned S3 mode is tested in tests/storage.)"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from portfolio.integrity import verify_all_evidence
from tests import samples
from tests.portfolio.helpers import UNIT_A, criteria_of, login, make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def x_accel(settings):
    settings.EVIDENCE_SERVE = "x-accel"
    settings.EVIDENCE_XACCEL_PREFIX = "/protected-media/"


def _photo(world):
    evidence = make_evidence(
        world.registration,
        criteria=criteria_of(UNIT_A, 1),
        files=[samples.upload("Café photo.jpg", samples.phone_photo_bytes())],
    )
    return evidence.files.get()


def test_download_hands_the_file_to_nginx_with_our_headers(client, world, x_accel):
    photo = _photo(world)
    login(client, world.learner)
    response = client.get(reverse("portfolio:file-download", args=[photo.pk]) + "?download=1")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Cafe photo.jpg\"; filename*=UTF-8''Caf%C3%A9%20photo.jpg"
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    thumbnail = client.get(reverse("portfolio:file-thumbnail", args=[photo.pk]))
    assert thumbnail["X-Accel-Redirect"] == f"/protected-media/{photo.thumbnail.name}"
    assert thumbnail["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize(("who", "status"), [("other_learner", 403), ("eqa", 403), ("other_centre_assessor", 404)])
def test_no_redirect_for_those_who_may_not_have_the_file(client, world, x_accel, who, status):
    photo = _photo(world)
    login(client, getattr(world, who))
    for view in ("portfolio:file-download", "portfolio:file-thumbnail"):
        response = client.get(reverse(view, args=[photo.pk]))
        assert response.status_code == status
        assert "X-Accel-Redirect" not in response


def test_anonymous_gets_no_redirect(client, world, x_accel):
    photo = _photo(world)
    response = client.get(reverse("portfolio:file-download", args=[photo.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "X-Accel-Redirect" not in response


def test_a_file_that_failed_its_check_is_not_handed_to_nginx(client, world, x_accel, media_root):
    photo = _photo(world)
    (media_root / photo.file.name).write_bytes(b"changed")
    verify_all_evidence()
    login(client, world.assessor)
    response = client.get(reverse("portfolio:file-download", args=[photo.pk]))
    assert response.status_code == 500 and "X-Accel-Redirect" not in response


def test_presigned_urls_need_s3_storage(client, world, settings):
    settings.EVIDENCE_SERVE = "s3-presigned"
    photo = _photo(world)
    login(client, world.learner)
    with pytest.raises(ImproperlyConfigured, match="needs S3 storage"):
        client.get(reverse("portfolio:file-download", args=[photo.pk]))
