"""A write that fails part-way (a full disk) removes what it wrote, saves nothing and tells the person plainly."""

import pytest
from django.urls import reverse

from portfolio.models import Evidence, EvidenceFile
from qualifications.models import AssessmentMethod
from tests import samples
from tests.portfolio.helpers import login, stored_files, today

pytestmark = pytest.mark.django_db

NOT_STORED = "could not be stored: the server's file storage failed while saving it"


@pytest.fixture
def disk_full_after(settings, media_root):
    """Point the default storage at a disk that fills up after `n` bytes of a file."""

    def configure(n: int) -> None:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "tests.failing_storage.DiskFullAfter",
                "OPTIONS": {"location": str(media_root), "fail_after": n},
            },
        }

    return configure


def _form(files, token="t1"):
    methods = [str(pk) for pk in AssessmentMethod.objects.filter(code__in=["PE"]).values_list("pk", flat=True)]
    return {
        "title": "My service log",
        "date": today(1).isoformat(),
        "description": "What I did",
        "methods": methods,
        "submission_token": token,
        "files": files,
    }


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_file_cut_short_by_a_full_disk_leaves_no_row_no_file_but_a_message(
    client, world, media_root, disk_full_after
):
    photo = samples.phone_photo_bytes(size=(900, 600))
    disk_full_after(2000)
    login(client, world.learner)
    response = client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        _form([samples.upload("IMG_7.jpg", photo)]),
    )
    assert response.status_code == 200
    text = " ".join(_messages(response))
    assert f"“IMG_7.jpg” {NOT_STORED}" in text and "Nothing was saved" in text
    assert not Evidence.objects.exists() and not EvidenceFile.objects.exists()
    assert stored_files(media_root) == []


def test_files_written_before_the_failure_are_removed_too(client, world, media_root, disk_full_after):
    pdf = samples.pdf_bytes()
    disk_full_after(len(pdf) + 10)  # the PDF is written whole, the photo after it fails part-way
    login(client, world.learner)
    response = client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        _form([samples.upload("report.pdf", pdf), samples.upload("IMG_8.jpg", samples.phone_photo_bytes((900, 600)))]),
    )
    assert response.status_code == 200
    assert any(f"“IMG_8.jpg” {NOT_STORED}" in message for message in _messages(response))
    assert not EvidenceFile.objects.exists()
    assert stored_files(media_root) == []


def test_uploads_work_again_once_there_is_room(client, world, media_root, disk_full_after, settings):
    disk_full_after(100)
    login(client, world.learner)
    url = reverse("portfolio:evidence-create", args=[world.registration.pk])
    refused = client.post(url, _form([samples.upload("a.pdf", samples.pdf_bytes())], token="first"))
    assert refused.status_code == 200 and not EvidenceFile.objects.exists()
    disk_full_after(10**9)
    accepted = client.post(url, _form([samples.upload("a.pdf", samples.pdf_bytes())], token="second"))
    assert accepted.status_code == 302
    stored = EvidenceFile.objects.get()
    assert stored_files(media_root) == [stored.file.name]
    assert stored.integrity == EvidenceFile.Integrity.OK and stored.verified_at is not None
