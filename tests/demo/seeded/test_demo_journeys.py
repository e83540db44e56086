"""What the demo shows each part of the product with, usable end to end by the people it names: the IQA's plan,
samples and the EQA's share and pack; the closed standardisation record; a conversation on a piece of evidence; an
observation and a professional discussion; and a signed assessment plan with visits booked. Seeded once for the
folder (tests/demo/seeded/conftest.py); that seeding again adds nothing is checked in test_seed_demo_runs.py."""

import io
import zipfile

import pytest
from django.urls import reverse

from centres.models import Event, User
from conversations.models import Thread
from observations.models import AssessmentRecord
from planning.models import AssessmentPlan, Visit
from planning.selectors import overdue_items
from portfolio.models import EqaShare, Registration
from quality.models import Action, Outcome, PlanAssessor, SampleRecord, SamplingPlan, StandardisationActivity
from quality.selectors import standardisation_results
from tests.demo.helpers import client_for
from tracking.models import ExportJob

pytestmark = pytest.mark.django_db


def test_the_iqa_has_a_plan_an_interim_sample_with_an_action_a_summative_sample_and_a_share_with_the_eqa():
    iqa = User.objects.get(email="iqa@northgate.example")
    liam = Registration.objects.get(learner__email="learner1@northgate.example")
    plan = SamplingPlan.objects.get(qualification=liam.qualification, iqa=iqa)
    assert PlanAssessor.objects.filter(plan=plan).exists()
    sample = SampleRecord.objects.get(kind="interim")
    assert sample.registration == liam and sample.outcome == Outcome.AGREE_WITH_ACTIONS
    summative = SampleRecord.objects.get(kind="summative")
    assert summative.registration.learner.email == "learner4@northgate.example"
    assert summative.outcome == Outcome.AGREE and not summative.actions.exists()
    assert Action.objects.get().assessor == sample.assessor
    share = EqaShare.objects.get()
    assert share.eqa.email == "eqa@awarding.example"
    assert list(share.items.values_list("registration_id", "unit_id")) == [(liam.pk, None)]
    assert (share.ends_on - share.starts_on).days == 30

    page = client_for(iqa.email).get(reverse("quality:plan-detail", args=[plan.pk])).text
    assert "New to this qualification" in page or "Working towards" in page


def test_the_eqa_sees_only_liam_and_the_pack_of_his_share_opens():
    client = client_for("eqa@awarding.example")
    home = client.get(reverse("quality:eqa-home")).text
    assert "Liam Walsh" in home and "Sophie Turner" not in home
    share = EqaShare.objects.get()
    client.post(reverse("quality:pack-request", args=[share.pk]))
    job = ExportJob.objects.get(kind="eqa_pack")
    assert job.status == ExportJob.Status.DONE, job.message
    response = client.get(reverse("tracking:job-download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "index.html" in archive.namelist()
    assert "Liam Walsh" in archive.read("index.html").decode()


def test_a_closed_standardisation_record_that_the_iqa_and_the_eqa_can_read():
    activity = StandardisationActivity.objects.get()
    assert activity.is_closed and activity.minutes and activity.actions.count() == 1
    results = standardisation_results(activity)
    assert len(results.submitted) == 2
    assert results.differences == 1
    assert all(row.item.agreed_outcome for row in results.rows)
    url = reverse("quality:standardisation-results", args=[activity.pk])
    assert client_for("iqa@northgate.example").get(url).status_code == 200
    eqa = client_for("eqa@awarding.example")
    assert url in eqa.get(reverse("quality:eqa-home")).text
    assert eqa.get(url).status_code == 200


def test_one_short_conversation_on_a_learners_evidence(seeded_demo):
    thread = Thread.objects.get()
    messages = list(thread.messages.select_related("author"))
    assert len(messages) == 3
    registration = thread.registration
    assert {m.author for m in messages} == {registration.learner, registration.assessor}
    assert Event.objects.filter(action="conversation.message", registration_id=registration.pk).count() == 3
    assert "A conversation on" in seeded_demo

    evidence = registration.evidence.get(reference=thread.evidence_reference, is_current=True)
    page = client_for(registration.learner.email).get(reverse("portfolio:evidence-detail", args=[evidence.pk])).text
    assert "I will bring it then." in page


def test_the_learner_has_an_observation_signed_on_the_assessors_phone_and_a_discussion_with_markers():
    records = AssessmentRecord.objects.filter(registration__learner__email="learner1@northgate.example")
    assert sorted(records.values_list("kind", flat=True)) == ["discussion", "observation"]
    observation = records.get(kind="observation")
    assert {s.role: s.how for s in observation.signatures.all()} == {"learner": "drawn", "witness": "typed"}
    discussion = records.get(kind="discussion")
    assert discussion.markers.count() == 2

    page = client_for("learner1@northgate.example").get(
        reverse("portfolio:evidence-detail", args=[discussion.evidence_id])
    )
    assert page.text.count("data-seek=") == 2


def test_the_learner_has_a_signed_plan_an_overdue_activity_and_visits_booked():
    plan = AssessmentPlan.objects.get(registration__learner__email="learner1@northgate.example")
    version = plan.versions.get(is_current=True)
    assert set(version.signatures.values_list("role", flat=True)) == {"learner", "assessor"}
    learner = plan.registration.learner
    assert len(overdue_items(learner=learner)) == 1
    assert Visit.objects.filter(registrations__learner=learner).count() == 2
    home = client_for(learner.email).get(reverse("home")).text
    # The overdue activity is listed once, in "Waiting for you"; the visit 10 days on, in the later visits.
    assert home.count("Write a reflective account of a difficult customer conversation") == 1
    assert "Professional discussion" in home
