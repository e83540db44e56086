"""The demo learner has an observation signed on the assessor's phone and a professional discussion with markers;
seeding again adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from observations.models import AssessmentRecord, DiscussionMarker, RecordSignature
from tests.portfolio.helpers import stored_files

pytestmark = pytest.mark.django_db


def test_the_demo_learner_has_an_observation_and_a_discussion_once(media_root):
    call_command("seed_demo", stdout=io.StringIO())
    records = AssessmentRecord.objects.filter(registration__learner__email="learner1@northgate.example")
    assert sorted(records.values_list("kind", flat=True)) == ["discussion", "observation"]
    observation = records.get(kind="observation")
    assert {s.role: s.how for s in observation.signatures.all()} == {"learner": "drawn", "witness": "typed"}
    discussion = records.get(kind="discussion")
    assert discussion.markers.count() == 2
    counts = (AssessmentRecord.objects.count(), RecordSignature.objects.count(), DiscussionMarker.objects.count())
    files = stored_files(media_root)

    call_command("seed_demo", stdout=io.StringIO())
    assert (
        AssessmentRecord.objects.count(),
        RecordSignature.objects.count(),
        DiscussionMarker.objects.count(),
    ) == counts
    assert stored_files(media_root) == files

    client = Client()
    assert client.login(email="learner1@northgate.example", password="demo-pass-2026")
    page = client.get(reverse("portfolio:evidence-detail", args=[discussion.evidence_id])).content.decode()
    assert page.count("data-seek=") == 2
