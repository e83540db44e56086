"""Recording observations and professional discussions: one piece of evidence, linked and judged in one step, with
signatures that hold a hash of what was signed; every refusal leaves no rows and no files."""

import pytest

from centres.models import Event
from observations.models import AssessmentRecord, DiscussionMarker, RecordSignature
from observations.services.discussions import record_discussion
from observations.services.recording import Marker, record_observation
from observations.services.signatures import SignatureInput, confirm_observation
from portfolio.models import CriterionDecision, Evidence, EvidenceFile, EvidenceLink
from portfolio.services import AlreadyDone, NotAllowed, PortfolioError
from qualifications.models import AssessmentCriterion
from tests import samples
from tests.observations.helpers import DRAWN, drawn_by_learner, record_input
from tests.portfolio.helpers import UNIT_A, criteria_of, stored_files

pytestmark = pytest.mark.django_db


def _nothing_saved(world, media_root):
    assert not Evidence.objects.filter(registration=world.registration).exists()
    assert not AssessmentRecord.objects.exists()
    assert not RecordSignature.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert stored_files(media_root) == []


def test_observation_becomes_one_piece_of_obs_evidence_linked_and_judged_met(world, media_root):
    data = record_input()
    record = record_observation(
        actor=world.assessor,
        registration=world.registration,
        data=data,
        learner_confirms_later=False,
        learner=drawn_by_learner(data),
        witness=SignatureInput(name="Wendy Witness", typed="Wendy Witness", signed_content=""),
    )
    evidence = Evidence.objects.get(pk=record.evidence_id)
    assert Evidence.objects.filter(registration=world.registration).count() == 1
    assert [method.code for method in evidence.methods.all()] == ["Obs"]
    assert evidence.status == Evidence.Status.SUBMITTED
    assert set(evidence.links.values_list("status", flat=True)) == {EvidenceLink.Status.ACCEPTED}
    assert CriterionDecision.objects.filter(registration=world.registration, is_met=True).count() == 2
    assert evidence.files.count() == 1
    learner, witness = record.signatures.order_by("role")
    assert (learner.role, learner.how, learner.name) == ("learner", "drawn", world.learner.full_name)
    assert learner.image.startswith("data:image/png;base64,")
    assert (witness.role, witness.how, witness.name) == ("witness", "typed", "Wendy Witness")
    assert learner.content_hash == record.content_hash and len(record.content_hash) == 64
    assert record.confirmation == AssessmentRecord.Confirmation.ON_DEVICE
    actions = set(Event.objects.filter(registration_id=world.registration.pk).values_list("action", flat=True))
    assert {"observation.recorded", "observation.learner_signed", "observation.witness_signed"} <= actions


def test_criteria_outside_the_registration_are_refused(world, media_root):
    planned = world.registration.units.values("pk")
    outside = AssessmentCriterion.objects.exclude(unit_id__in=planned).first()
    data = record_input([*criteria_of(UNIT_A, 1), outside])
    with pytest.raises(PortfolioError, match="not on this learner's plan"):
        record_observation(
            actor=world.assessor,
            registration=world.registration,
            data=data,
            learner_confirms_later=False,
            learner=drawn_by_learner(data),
        )
    _nothing_saved(world, media_root)


def test_learner_cannot_be_signed_when_they_confirm_later(world, media_root):
    data = record_input()
    with pytest.raises(PortfolioError, match="confirm later"):
        record_observation(
            actor=world.assessor,
            registration=world.registration,
            data=data,
            learner_confirms_later=True,
            learner=SignatureInput(image=DRAWN),
        )
    _nothing_saved(world, media_root)


def test_learner_signing_now_must_sign(world, media_root):
    with pytest.raises(PortfolioError, match="has not signed"):
        record_observation(
            actor=world.assessor,
            registration=world.registration,
            data=record_input(),
            learner_confirms_later=False,
            learner=SignatureInput(),
        )
    _nothing_saved(world, media_root)


def test_a_stale_signature_is_refused(world, media_root):
    data = record_input(observed="Greeted each customer and checked their order. Then added more afterwards.")
    stale = drawn_by_learner(data, observed="Greeted each customer and checked their order.")
    with pytest.raises(PortfolioError, match="changed after the learner signed"):
        record_observation(
            actor=world.assessor,
            registration=world.registration,
            data=data,
            learner_confirms_later=False,
            learner=stale,
        )
    _nothing_saved(world, media_root)


def test_crlf_from_a_posted_textarea_signs_the_same_words(world, media_root):
    data = record_input(observed="Line one\r\nLine two")
    signed = drawn_by_learner(data, observed="Line one\nLine two")
    record = record_observation(
        actor=world.assessor, registration=world.registration, data=data, learner_confirms_later=False, learner=signed
    )
    assert record.signatures.get().how == "drawn"


def test_a_replayed_submission_adds_nothing(world, media_root):
    data = record_input(token="one-time-token")
    record_observation(
        actor=world.assessor,
        registration=world.registration,
        data=data,
        learner_confirms_later=False,
        learner=drawn_by_learner(data),
    )
    files_before = stored_files(media_root)
    again = record_input(token="one-time-token")
    with pytest.raises(AlreadyDone):
        record_observation(
            actor=world.assessor,
            registration=world.registration,
            data=again,
            learner_confirms_later=False,
            learner=drawn_by_learner(again),
        )
    assert Evidence.objects.filter(registration=world.registration).count() == 1
    assert AssessmentRecord.objects.count() == 1 and RecordSignature.objects.count() == 1
    assert stored_files(media_root) == files_before


def test_an_over_size_recording_is_refused_with_nothing_stored(world, media_root, settings):
    settings.OBSERVATION_MAX_RECORDING_BYTES = 10
    data = record_input(
        files=[samples.upload("till.jpg", samples.jpeg_bytes()), samples.upload("a.wav", samples.wav_bytes())]
    )
    with pytest.raises(PortfolioError, match="over the limit"):
        record_observation(
            actor=world.assessor,
            registration=world.registration,
            data=data,
            learner_confirms_later=False,
            learner=drawn_by_learner(data),
        )
    _nothing_saved(world, media_root)


def test_a_storage_failure_leaves_no_rows_and_no_files(world, media_root, monkeypatch):
    """The files are written, then a later step fails: the transaction rolls back and the files are removed."""
    import observations.services.recording as recording

    def fail(*args, **kwargs):
        raise PortfolioError("judging failed")

    monkeypatch.setattr(recording, "judge_evidence", fail)
    data = record_input(
        files=[samples.upload("till.jpg", samples.jpeg_bytes()), samples.upload("a.wav", samples.wav_bytes())]
    )
    with pytest.raises(PortfolioError, match="judging failed"):
        record_observation(
            actor=world.assessor,
            registration=world.registration,
            data=data,
            learner_confirms_later=False,
            learner=drawn_by_learner(data),
        )
    _nothing_saved(world, media_root)


def test_a_disk_full_part_way_leaves_no_rows_and_no_files(world, media_root, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.failing_storage.DiskFullAfter",
            "OPTIONS": {"location": str(media_root), "fail_after": 2000},
        },
    }
    photo = samples.phone_photo_bytes(size=(900, 600))
    data = record_input(files=[samples.upload("small.wav", samples.wav_bytes()), samples.upload("big.jpg", photo)])
    with pytest.raises(PortfolioError, match="could not be stored"):
        record_observation(
            actor=world.assessor,
            registration=world.registration,
            data=data,
            learner_confirms_later=False,
            learner=drawn_by_learner(data),
        )
    _nothing_saved(world, media_root)


def test_only_the_learners_assessor_records(world, media_root):
    data = record_input()
    for actor in (world.other_assessor, world.learner, world.iqa):
        with pytest.raises(NotAllowed):
            record_observation(
                actor=actor,
                registration=world.registration,
                data=data,
                learner_confirms_later=True,
                learner=SignatureInput(),
            )
    _nothing_saved(world, media_root)


def test_learner_confirms_later_in_their_own_account(world, media_root):
    record = record_observation(
        actor=world.assessor,
        registration=world.registration,
        data=record_input(),
        learner_confirms_later=True,
        learner=SignatureInput(),
    )
    assert record.awaiting_learner and not record.signatures.exists()
    with pytest.raises(NotAllowed):
        confirm_observation(actor=world.assessor, record=record, signed_hash=record.content_hash)
    with pytest.raises(PortfolioError, match="changed since you opened it"):
        confirm_observation(actor=world.learner, record=record, signed_hash="0" * 64)
    signature = confirm_observation(actor=world.learner, record=record, signed_hash=record.content_hash)
    record.refresh_from_db()
    assert (signature.how, signature.user, signature.content_hash) == ("account", world.learner, record.content_hash)
    assert record.learner_confirmed_at is not None and not record.awaiting_learner
    with pytest.raises(AlreadyDone):
        confirm_observation(actor=world.learner, record=record, signed_hash=record.content_hash)


def test_discussion_saves_pd_evidence_with_markers(world, media_root):
    criteria = criteria_of(UNIT_A, 2)
    data = record_input(criteria, files=[samples.upload("talk.wav", samples.wav_bytes())], observed="")
    data.markers = [Marker(criteria[1].pk, 12.34), Marker(criteria[0].pk, 3)]
    record = record_discussion(actor=world.assessor, registration=world.registration, data=data)
    assert [method.code for method in record.evidence.methods.all()] == ["PD"]
    assert [(m.criterion_id, float(m.seconds)) for m in record.markers.all()] == [
        (criteria[0].pk, 3.0),
        (criteria[1].pk, 12.3),
    ]
    assert set(record.evidence.links.values_list("status", flat=True)) == {EvidenceLink.Status.ACCEPTED}


def test_discussion_refuses_a_marker_for_a_criterion_not_discussed(world, media_root):
    criteria = criteria_of(UNIT_A, 3)
    data = record_input(criteria[:1], files=[samples.upload("talk.wav", samples.wav_bytes())])
    data.markers = [Marker(criteria[2].pk, 5)]
    with pytest.raises(PortfolioError, match="does not cover"):
        record_discussion(actor=world.assessor, registration=world.registration, data=data)
    assert not DiscussionMarker.objects.exists()
    _nothing_saved(world, media_root)


def test_discussion_refuses_an_over_size_recording(world, media_root, settings):
    settings.OBSERVATION_MAX_RECORDING_BYTES = 10
    data = record_input(files=[samples.upload("talk.wav", samples.wav_bytes())])
    with pytest.raises(PortfolioError, match="over the limit"):
        record_discussion(actor=world.assessor, registration=world.registration, data=data)
    _nothing_saved(world, media_root)
