"""Evidence integrity: files are checked at upload, periodically and when read for someone else (not on every
download); a changed or missing file is refused and reported to its centre's admins once, until it is whole again."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from centres.models import Event
from portfolio import integrity
from portfolio.integrity import EvidenceMissing, EvidenceTampered, open_verified, verify_all_evidence, verify_file
from portfolio.models import EvidenceFile
from tests import samples
from tests.portfolio.helpers import UNIT_A, criteria_of, login, make_evidence

pytestmark = pytest.mark.django_db

FAILED = "evidence_file.integrity_failed"


def _photo_and_pdf(world, registration=None):
    evidence = make_evidence(
        registration or world.registration,
        criteria=criteria_of(UNIT_A, 1),
        files=[
            samples.upload("IMG_1.jpg", samples.phone_photo_bytes()),
            samples.upload("Report.pdf", samples.pdf_bytes()),
        ],
    )
    return evidence.files.get(content_type="image/jpeg"), evidence.files.get(content_type="application/pdf")


def _tamper(media_root, name: str) -> None:
    (media_root / name).write_bytes(samples.pdf_bytes("Changed afterwards"))


def _home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_upload_records_the_file_as_verified(world):
    _photo, pdf = _photo_and_pdf(world)
    assert pdf.integrity == EvidenceFile.Integrity.OK
    assert timezone.now() - pdf.verified_at < dt.timedelta(minutes=1)


def test_a_whole_file_passes_and_its_check_time_moves_on(world):
    photo, _pdf = _photo_and_pdf(world)
    EvidenceFile.objects.filter(pk=photo.pk).update(verified_at=timezone.now() - dt.timedelta(days=40))
    photo.refresh_from_db()
    verify_file(photo)
    photo.refresh_from_db()
    assert photo.integrity == EvidenceFile.Integrity.OK
    assert timezone.now() - photo.verified_at < dt.timedelta(minutes=1)
    assert not Event.objects.filter(action=FAILED).exists()


def test_open_verified_gives_the_checked_bytes(world, media_root):
    _photo, pdf = _photo_and_pdf(world)
    with open_verified(pdf) as copy:
        assert copy.read() == (media_root / pdf.file.name).read_bytes()


def test_a_tampered_file_is_reported_to_its_centres_admins_once_until_it_is_whole_again(client, world, media_root):
    _photo, pdf = _photo_and_pdf(world)
    original = (media_root / pdf.file.name).read_bytes()
    _tamper(media_root, pdf.file.name)
    with pytest.raises(EvidenceTampered, match="failed its integrity check"), open_verified(pdf):
        pass
    pdf.refresh_from_db()
    assert pdf.integrity == EvidenceFile.Integrity.TAMPERED and pdf.failing_since is not None
    event = Event.objects.get(action=FAILED)
    assert event.centre == world.centre and event.object_id == pdf.pk and event.data["expected"] == pdf.sha256
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.admin.email]
    assert "Report.pdf" in mail.outbox[0].body and "its bytes have changed" in mail.outbox[0].body
    # The admin's home page lists it; another centre's admin sees nothing of it.
    assert "Evidence files failing their check (1)" in _home(client, world.admin)
    assert "Evidence files failing their check" not in _home(client, world.other_admin)
    assert "Evidence files failing their check" not in _home(client, world.assessor)

    # Found again (another pack, the periodic check): no second report.
    with pytest.raises(EvidenceTampered):
        verify_file(pdf)
    summary = verify_all_evidence()
    assert len(summary.tampered) == 1 and summary.newly_reported == 0
    assert Event.objects.filter(action=FAILED).count() == 1 and len(mail.outbox) == 1

    # Restored from the backup: the next check clears it, and a later failure is reported afresh.
    (media_root / pdf.file.name).write_bytes(original)
    assert verify_all_evidence().bad == 0
    pdf.refresh_from_db()
    assert pdf.integrity == EvidenceFile.Integrity.OK and pdf.failing_since is None
    assert Event.objects.filter(action="evidence_file.integrity_restored", object_id=pdf.pk).exists()
    assert "Evidence files failing their check" not in _home(client, world.admin)
    (media_root / pdf.file.name).unlink()
    with pytest.raises(EvidenceMissing, match="missing from the file storage"):
        verify_file(pdf)
    assert Event.objects.filter(action=FAILED).count() == 2 and len(mail.outbox) == 2
    assert "missing from the file storage" in mail.outbox[1].body


def test_a_changed_thumbnail_fails_the_file(world, media_root):
    photo, _pdf = _photo_and_pdf(world)
    _tamper(media_root, photo.thumbnail.name)
    summary = verify_all_evidence()
    assert [file.pk for file in summary.tampered] == [photo.pk]
    assert Event.objects.get(action=FAILED).data["part"] == "thumbnail"


# --- downloads do not hash ------------------------------------------------------------------------------------


@pytest.fixture
def hashing_forbidden(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a download hashed the file")

    monkeypatch.setattr(integrity, "_digest_of", refuse)
    monkeypatch.setattr("portfolio.uploads.storing.sha256_of_stored", refuse)


def test_downloads_and_ranges_do_not_hash_the_file(client, world, media_root, hashing_forbidden):
    photo, pdf = _photo_and_pdf(world)
    login(client, world.assessor)
    whole = client.get(reverse("portfolio:file-download", args=[pdf.pk]))
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == (media_root / pdf.file.name).read_bytes()
    part = client.get(reverse("portfolio:file-download", args=[pdf.pk]), headers={"Range": "bytes=0-9"})
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == (media_root / pdf.file.name).read_bytes()[:10]
    thumbnail = client.get(reverse("portfolio:file-thumbnail", args=[photo.pk]))
    assert thumbnail.status_code == 200


def test_a_file_whose_check_failed_is_refused_for_download_and_thumbnail(client, world, media_root):
    photo, _pdf = _photo_and_pdf(world)
    _tamper(media_root, photo.file.name)
    verify_all_evidence()
    login(client, world.learner)
    for view in ("portfolio:file-download", "portfolio:file-thumbnail"):
        response = client.get(reverse(view, args=[photo.pk]))
        assert response.status_code == 500
        assert "failed its integrity check" in response.content.decode()


def test_a_missing_file_found_by_downloads_is_reported_once(client, world, media_root):
    _photo, pdf = _photo_and_pdf(world)
    (media_root / pdf.file.name).unlink()
    login(client, world.learner)
    for _ in range(3):
        assert client.get(reverse("portfolio:file-download", args=[pdf.pk])).status_code == 500
    assert Event.objects.filter(action=FAILED, object_id=pdf.pk).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.admin.email]


# --- manage.py verify_evidence ---------------------------------------------------------------------------------


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_evidence", *args, stdout=out)
    return out.getvalue()


def test_verify_evidence_passes_when_every_file_is_whole(world):
    _photo_and_pdf(world)
    output = _run()
    assert "2 evidence file(s) checked: 2 intact, 0 changed, 0 missing" in output


def test_verify_evidence_lists_changed_and_missing_files_and_fails(world, media_root):
    photo, pdf = _photo_and_pdf(world)
    _tamper(media_root, pdf.file.name)
    (media_root / photo.file.name).unlink()
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError, match="2 evidence file"):
        call_command("verify_evidence", stdout=out)
    output = out.getvalue()
    assert f"CHANGED: evidence file {pdf.pk} “Report.pdf”" in output
    assert f"MISSING: evidence file {photo.pk} “IMG_1.jpg”" in output
    assert "2 evidence file(s) checked: 0 intact, 1 changed, 1 missing (2 newly reported" in output
    assert len(mail.outbox) == 1  # one email to the centre for the run
    assert "IMG_1.jpg" in mail.outbox[0].body and "Report.pdf" in mail.outbox[0].body


def test_verify_evidence_limits_to_a_centre_and_to_files_not_verified_lately(world, media_root):
    _photo, pdf = _photo_and_pdf(world)
    other_photo, _other_pdf = _photo_and_pdf(world, world.other_centre_registration)
    assert "2 evidence file(s) checked" in _run("--centre", world.other_centre.centre_number)
    assert "2 evidence file(s) checked" in _run("--centre", str(world.centre.pk))
    with pytest.raises(CommandError, match="No centre"):
        _run("--centre", "no-such-centre")
    # Only files not verified in the last 7 days: just checked, so none; an old one and a failing one are.
    assert "0 evidence file(s) checked" in _run("--not-verified-days", "7")
    EvidenceFile.objects.filter(pk=other_photo.pk).update(verified_at=timezone.now() - dt.timedelta(days=8))
    EvidenceFile.objects.filter(pk=pdf.pk).update(integrity=EvidenceFile.Integrity.MISSING)
    output = _run("--not-verified-days", "7")
    assert "2 evidence file(s) checked: 2 intact" in output
