"""The observation and discussion pages as the assessor on a phone would use them (a plain multipart POST, or the
page's script asking for JSON), the evidence page that shows them, and the learner's confirmation."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from observations.models import AssessmentRecord
from portfolio.models import Evidence
from tests import samples
from tests.observations.helpers import DRAWN, record_input, snapshot
from tests.portfolio.helpers import UNIT_A, criteria_of, login, stored_files, today

pytestmark = pytest.mark.django_db
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def _form(criteria, **extra):
    data = {
        "title": "Observation at the till",
        "date": today().isoformat(),
        "location": "Northgate store",
        "observed": "Greeted each customer.",
        "criteria": [str(criterion.pk) for criterion in criteria],
        "submission_token": "token-1",
        "learner_confirms": "now",
        "learner_typed": "Lena Learner",
    }
    data.update(extra)
    return data


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_observation_page_offers_the_phone_camera_and_microphone(client, world):
    login(client, world.assessor)
    response = client.get(reverse("observations:observation-new", args=[world.registration.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'accept="image/*" capture="environment"' in page
    assert 'accept="video/*"' in page and 'accept="audio/*"' in page
    assert 'name="learner_typed"' in page and "data-canvas" in page
    assert f'value="{criteria_of(UNIT_A, 1)[0].pk}"' in page


def test_without_javascript_a_multipart_post_saves_the_record_with_a_typed_signature(client, world, media_root):
    login(client, world.assessor)
    criteria = criteria_of(UNIT_A, 2)
    response = client.post(
        reverse("observations:observation-new", args=[world.registration.pk]),
        _form(criteria, photos=[samples.upload("till.jpg", samples.jpeg_bytes())]),
    )
    evidence = Evidence.objects.get(registration=world.registration)
    assert response.status_code == 302 and response["Location"] == reverse(
        "portfolio:evidence-detail", args=[evidence.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Observation record" in page and "Lena Learner" in page and "Typed name on the device" in page
    assert evidence.files.count() == 1


def test_the_script_gets_json_and_a_retry_with_the_same_token_adds_nothing(client, world, media_root):
    login(client, world.assessor)
    criteria = criteria_of(UNIT_A, 1)
    url = reverse("observations:observation-new", args=[world.registration.pk])
    data = record_input(criteria)
    form = _form(
        criteria,
        title=data.title,
        observed=data.observed,
        location=data.location,
        learner_typed="",
        learner_signature=DRAWN,
        learner_signed_content=snapshot(data),
    )
    first = client.post(url, {**form, "photos": [samples.upload("till.jpg", samples.jpeg_bytes())]}, **XHR)
    files = stored_files(media_root)
    again = client.post(url, {**form, "photos": [samples.upload("till.jpg", samples.jpeg_bytes())]}, **XHR)
    assert first.status_code == again.status_code == 200
    assert json.loads(first.content)["url"] == json.loads(again.content)["url"]
    assert Evidence.objects.filter(registration=world.registration).count() == 1
    assert AssessmentRecord.objects.get().signatures.get().how == "drawn"
    assert stored_files(media_root) == files


def test_the_script_gets_the_refusal_as_json(client, world, media_root):
    login(client, world.assessor)
    response = client.post(
        reverse("observations:observation-new", args=[world.registration.pk]),
        _form(criteria_of(UNIT_A, 1), learner_confirms="later"),
        **XHR,
    )
    assert response.status_code == 400
    assert any("confirm later" in error for error in json.loads(response.content)["errors"])
    assert not Evidence.objects.exists()


def test_an_over_size_recording_gets_a_clear_message_and_nothing_is_stored(client, world, media_root, settings):
    settings.OBSERVATION_MAX_RECORDING_BYTES = 10
    login(client, world.assessor)
    response = client.post(
        reverse("observations:observation-new", args=[world.registration.pk]),
        _form(criteria_of(UNIT_A, 1), audio=[samples.upload("voice.wav", samples.wav_bytes())]),
    )
    assert response.status_code == 200
    assert any("over the limit of 10\xa0bytes for a recording" in text for text in _messages(response))
    assert not Evidence.objects.exists() and stored_files(media_root) == []


def test_discussion_page_saves_markers_and_the_evidence_page_lists_their_times(client, world, media_root):
    login(client, world.assessor)
    criteria = criteria_of(UNIT_A, 2)
    markers = json.dumps([{"criterion": criteria[0].pk, "seconds": 1.5}, {"criterion": criteria[1].pk, "seconds": 75}])
    response = client.post(
        reverse("observations:discussion-new", args=[world.registration.pk]),
        {
            **_form(criteria, observed=""),
            "markers": markers,
            "recording": samples.upload("talk.wav", samples.wav_bytes()),
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-seek="1.5"' in page and ">0:01<" in page and ">1:15<" in page
    assert "<audio" in page


def test_learner_sees_the_observation_to_confirm_and_confirms_it(client, world, media_root):
    login(client, world.assessor)
    client.post(
        reverse("observations:observation-new", args=[world.registration.pk]),
        _form(criteria_of(UNIT_A, 1), learner_confirms="later", learner_typed=""),
    )
    record = AssessmentRecord.objects.get()
    assert record.awaiting_learner
    login(client, world.learner)
    home = client.get(reverse("home")).content.decode()
    assert "Confirm this observation" in home
    confirm_url = reverse("observations:record-confirm", args=[record.pk])
    assert confirm_url in home
    response = client.post(confirm_url, {"content_hash": record.content_hash})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.learner_confirmed_at is not None
    assert "confirmed it later, signed in to their own account" in client.get(response["Location"]).content.decode()


def _home_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_the_learners_home_page_reads_observations_to_confirm_in_fixed_queries(client, world, media_root):
    from observations.services.recording import record_observation
    from observations.services.signatures import SignatureInput

    def record(n):
        for i in range(n):
            record_observation(
                actor=world.assessor,
                registration=world.registration,
                data=record_input(criteria_of(UNIT_A, 1), files=[], token=f"t{AssessmentRecord.objects.count()}-{i}"),
                learner_confirms_later=True,
                learner=SignatureInput(),
            )

    login(client, world.learner)
    record(1)
    one = _home_queries(client, world.learner)
    record(4)
    five = _home_queries(client, world.learner)
    assert one == five


def test_the_portfolio_offers_the_assessor_alone_the_links_to_record(client, world):
    url = reverse("portfolio:registration-portfolio", args=[world.registration.pk])
    new = reverse("observations:observation-new", args=[world.registration.pk])
    assert new in login(client, world.assessor).get(url).content.decode()
    assert new not in login(client, world.learner).get(url).content.decode()
