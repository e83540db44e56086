"""Files go out only through the permission-checked views, integrity-checked, with safe headers."""

import datetime as dt
import struct

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import Event
from portfolio.integrity import verify_all_evidence
from portfolio.models import EqaShare, EqaShareItem
from tests import samples
from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, login, make_evidence

pytestmark = pytest.mark.django_db


def _photo_and_pdf(world, name="Report.pdf", **extra):
    evidence = make_evidence(
        world.registration,
        criteria=criteria_of(UNIT_A, 1),
        files=[samples.upload("IMG_1.jpg", samples.phone_photo_bytes()), samples.upload(name, samples.pdf_bytes())],
        **extra,
    )
    photo = evidence.files.get(content_type="image/jpeg")
    pdf = evidence.files.get(content_type="application/pdf")
    return evidence, photo, pdf


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _stored(evidence_file) -> bytes:
    with evidence_file.file.storage.open(evidence_file.file.name) as handle:
        return handle.read()


def test_file_is_served_with_safe_headers(client, world):
    _evidence, photo, pdf = _photo_and_pdf(world)
    login(client, world.learner)
    response = client.get(reverse("portfolio:file-download", args=[pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert response["Content-Disposition"] == "attachment; filename=\"Report.pdf\"; filename*=UTF-8''Report.pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert _body(response) == _stored(pdf)
    image = client.get(reverse("portfolio:file-download", args=[photo.pk]))
    assert image["Content-Disposition"].startswith("inline;")
    assert client.get(reverse("portfolio:file-download", args=[photo.pk]) + "?download=1")[
        "Content-Disposition"
    ].startswith("attachment;")


@pytest.mark.parametrize(
    "name",
    ['quo"te\r\nd.pdf', "résumé final.pdf", "\u202efdp.exe.pdf", "CON.pdf", "../../etc/passwd.pdf", "ü" * 200 + ".pdf"],
)
def test_download_names_stay_safe(client, world, name):
    _evidence, _photo, pdf = _photo_and_pdf(world, name=name)
    login(client, world.learner)
    header = client.get(reverse("portfolio:file-download", args=[pdf.pk]))["Content-Disposition"]
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and "/" not in fallback and "\\" not in fallback
    assert "filename*=UTF-8''" in header
    assert "\r" not in header and "\n" not in header and "\u202e" not in header


def test_thumbnail_is_served_for_photos_only(client, world):
    _evidence, photo, pdf = _photo_and_pdf(world)
    login(client, world.assessor)
    response = client.get(reverse("portfolio:file-thumbnail", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response)[:3] == b"\xff\xd8\xff"
    assert client.get(reverse("portfolio:file-thumbnail", args=[pdf.pk])).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("learner", 200),
        ("assessor", 200),
        ("iqa", 200),
        ("admin", 200),
        # People of the same centre whose role does not reach this learner's files are refused (403); another
        # centre's people are told nothing exists (404).
        ("other_learner", 403),
        ("other_assessor", 403),
        ("other_centre_assessor", 404),
        ("other_admin", 404),
        ("eqa", 403),  # linked to the centre, nothing shared
    ],
)
def test_only_people_who_may_see_the_evidence_get_its_files(client, world, who, status):
    _evidence, photo, pdf = _photo_and_pdf(world)
    login(client, getattr(world, who))
    for record in (photo, pdf):
        assert client.get(reverse("portfolio:file-download", args=[record.pk])).status_code == status
    assert client.get(reverse("portfolio:file-thumbnail", args=[photo.pk])).status_code == status


def test_anonymous_is_sent_to_sign_in(client, world):
    _evidence, _photo, pdf = _photo_and_pdf(world)
    response = client.get(reverse("portfolio:file-download", args=[pdf.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_eqa_gets_files_of_shared_units_only(client, world):
    shared, _photo, pdf = _photo_and_pdf(world)
    other_unit = make_evidence(world.registration, criteria=criteria_of(UNIT_B, 1))
    today = timezone.localdate()
    share = EqaShare.objects.create(
        centre=world.centre,
        eqa=world.eqa,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
        created_by=world.admin,
    )
    EqaShareItem.objects.create(share=share, registration=world.registration, unit=criteria_of(UNIT_A, 1)[0].unit)
    login(client, world.eqa)
    assert client.get(reverse("portfolio:file-download", args=[pdf.pk])).status_code == 200
    assert client.get(reverse("portfolio:evidence-detail", args=[shared.pk])).status_code == 200
    other_file = other_unit.files.get()
    assert client.get(reverse("portfolio:file-download", args=[other_file.pk])).status_code == 403
    # The EQA reads what was shared, not the whole portfolio.
    assert client.get(reverse("portfolio:registration-portfolio", args=[world.registration.pk])).status_code == 404


def test_tampered_file_is_not_sent_once_a_check_found_it(client, world, media_root):
    _evidence, _photo, pdf = _photo_and_pdf(world)
    (media_root / pdf.file.name).write_bytes(samples.pdf_bytes("Changed afterwards"))
    verify_all_evidence()  # the periodic check: downloads themselves do not hash
    login(client, world.assessor)
    response = client.get(reverse("portfolio:file-download", args=[pdf.pk]))
    assert response.status_code == 500
    assert "failed its integrity check" in response.content.decode()
    assert b"Changed afterwards" not in response.content
    event = Event.objects.get(action="evidence_file.integrity_failed")
    assert event.object_id == pdf.pk and event.registration_id == world.registration.pk
    assert event.data["found_by"] == "the periodic check" and event.data["result"] == "tampered"


def test_missing_file_is_refused_and_reported_by_the_download(client, world, media_root):
    _evidence, _photo, pdf = _photo_and_pdf(world)
    (media_root / pdf.file.name).unlink()
    login(client, world.learner)
    assert client.get(reverse("portfolio:file-download", args=[pdf.pk])).status_code == 500
    event = Event.objects.get(action="evidence_file.integrity_failed")
    assert event.object_id == pdf.pk and event.actor == world.learner and event.data["result"] == "missing"


def test_files_are_never_under_a_public_media_url(settings):
    assert not getattr(settings, "MEDIA_URL", "").strip("/")


# --- byte ranges: Safari plays and seeks video only from 206 Partial Content -------------------------------------


def _video(world):
    """A phone video big enough to stream in several blocks."""
    payload = bytes(range(256)) * 60
    data = samples.mp4_bytes()[:-8] + struct.pack(">I", len(payload) + 8) + b"mdat" + payload
    evidence = make_evidence(
        world.registration, criteria=criteria_of(UNIT_A, 1), files=[samples.upload("Observation.mp4", data)]
    )
    video = evidence.files.get()
    assert video.content_type == "video/mp4"
    return video, _stored(video)


def _get(client, record, **headers):
    return client.get(reverse("portfolio:file-download", args=[record.pk]), headers=headers)


def test_range_request_gets_just_those_bytes_with_the_same_safe_headers(client, world):
    video, data = _video(world)
    login(client, world.learner)
    response = _get(client, video, Range="bytes=100-9099")
    assert response.status_code == 206
    assert _body(response) == data[100:9100]
    assert response["Content-Range"] == f"bytes 100-9099/{len(data)}"
    assert response["Content-Length"] == "9000"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert response["Cache-Control"] == "private, no-store"


def test_whole_file_download_says_ranges_are_accepted(client, world):
    video, data = _video(world)
    login(client, world.learner)
    response = _get(client, video)
    assert response.status_code == 200 and response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(data)) and _body(response) == data


def test_open_ended_range_runs_to_the_end_of_the_file(client, world):
    video, data = _video(world)
    login(client, world.assessor)
    response = _get(client, video, Range="bytes=15000-")
    assert response.status_code == 206
    assert _body(response) == data[15000:]
    assert response["Content-Range"] == f"bytes 15000-{len(data) - 1}/{len(data)}"


def test_suffix_range_gets_the_last_bytes(client, world):
    video, data = _video(world)
    login(client, world.learner)
    response = _get(client, video, Range="bytes=-500")
    assert response.status_code == 206
    assert _body(response) == data[-500:]
    assert response["Content-Length"] == "500"


def test_range_past_the_end_is_refused_with_the_files_size(client, world):
    video, data = _video(world)
    login(client, world.learner)
    response = _get(client, video, Range=f"bytes={len(data)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert data[:100] not in response.content


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "bytes=9-2", "bytes=zero-ten", "pages=1-2"])
def test_malformed_or_multiple_ranges_get_the_whole_file(client, world, header):
    video, data = _video(world)
    login(client, world.learner)
    response = _get(client, video, Range=header)
    assert response.status_code == 200 and _body(response) == data
    assert "Content-Range" not in response


def test_if_range_gets_the_part_only_while_the_file_is_unchanged(client, world):
    video, data = _video(world)
    login(client, world.learner)
    etag = _get(client, video)["ETag"]
    assert etag == f'"{video.sha256}"'
    assert _get(client, video, Range="bytes=0-9", If_Range=etag).status_code == 206
    for stale in ('"0123abc"', f"W/{etag}", "Wed, 21 Oct 2015 07:28:00 GMT"):
        response = _get(client, video, Range="bytes=0-9", If_Range=stale)
        assert response.status_code == 200 and _body(response) == data


@pytest.mark.parametrize(("who", "status"), [("other_learner", 403), ("other_centre_assessor", 404), ("eqa", 403)])
def test_a_range_of_someone_elses_file_is_still_refused(client, world, who, status):
    video, _data = _video(world)
    login(client, getattr(world, who))
    assert _get(client, video, Range="bytes=0-99").status_code == status


def test_anonymous_range_request_is_sent_to_sign_in(client, world):
    video, _data = _video(world)
    assert _get(client, video, Range="bytes=0-99").status_code == 302


def test_tampered_file_sends_no_range_either(client, world, media_root):
    video, data = _video(world)
    (media_root / video.file.name).write_bytes(data[:100] + b"changed" + data[107:])
    verify_all_evidence()
    login(client, world.learner)
    response = _get(client, video, Range="bytes=0-99")
    assert response.status_code == 500
    assert data[:100] not in response.content
    assert Event.objects.filter(action="evidence_file.integrity_failed", object_id=video.pk).exists()
