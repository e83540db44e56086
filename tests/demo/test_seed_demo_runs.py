"""Seeding the demo twice changes nothing, and a seeding that fails leaves nothing: each in an empty database of
its own (the rest of the demo's checks share one seeding: tests/demo/seeded/)."""

import pytest
from django.apps import apps
from django.core import mail

import demo.quality_assurance
from portfolio.models import Evidence, Registration
from tests.demo.helpers import seed
from tests.portfolio.helpers import stored_files

pytestmark = pytest.mark.django_db


def model_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seeding_twice_changes_no_count_sends_no_second_email_and_stores_no_second_file(
    media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    first = model_counts()
    files = stored_files(media_root)
    emails = len(mail.outbox)
    # The witness Liam invited, the employer links for Jacob's training plan and first progress review, and those
    # for Rhys's training plan and four progress reviews.
    assert first["portfolio.WitnessInvitation"] == 1 and emails == 8
    assert first["portfolio.Evidence"] and first["tracking.Signature"] and first["quality.SampleRecord"]
    assert files

    with django_capture_on_commit_callbacks(execute=True):
        output = seed()
    assert model_counts() == first
    assert len(mail.outbox) == emails
    assert stored_files(media_root) == files
    # The second run still tells a new user where to look.
    assert "Grace Patel (learner4): both units signed off and sampled by the IQA: ready to claim" in output
    assert "waits for the countersignatory, assessor@northgate.example" in output
    assert "A conversation on" in output


def test_a_failed_seeding_leaves_no_rows_and_no_orphan_files(media_root, monkeypatch):
    def fail(context):
        raise RuntimeError("the quality step broke")

    monkeypatch.setattr(demo.quality_assurance, "seed", fail)
    with pytest.raises(RuntimeError, match="the quality step broke"):
        seed()
    assert not Evidence.objects.exists() and not Registration.objects.exists()
    assert stored_files(media_root) == []
