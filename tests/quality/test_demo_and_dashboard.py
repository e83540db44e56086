"""The demo's quality data (idempotent, usable end to end) and the home-page panels."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from portfolio.models import EqaShare, Registration
from quality.models import Action, Outcome, PlanAssessor, SampleRecord, SamplingPlan
from quality.services.certification import CertificationState, certification_status
from tracking.models import ExportJob

from .helpers import client_for, start_unit, take_sample

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def counts():
    return (
        SamplingPlan.objects.count(),
        PlanAssessor.objects.count(),
        SampleRecord.objects.count(),
        Action.objects.count(),
        EqaShare.objects.count(),
    )


def test_demo_has_a_plan_a_sample_with_an_action_and_a_share_and_is_idempotent(django_user_model):
    seed()
    first = counts()
    seed()
    assert counts() == first
    iqa = django_user_model.objects.get(email="iqa@northgate.example")
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

    page = client_for_demo(iqa).get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()
    assert "New to this qualification" in page or "Working towards" in page


def client_for_demo(user):
    from django.test import Client

    client = Client()
    assert client.login(email=user.email, password="demo-pass-2026")
    return client


def test_demo_eqa_sees_liam_and_the_pack_opens(django_user_model):
    seed()
    eqa = django_user_model.objects.get(email="eqa@awarding.example")
    client = client_for_demo(eqa)
    home = client.get(reverse("quality:eqa-home")).content.decode()
    assert "Liam Walsh" in home and "Sophie Turner" not in home
    share = EqaShare.objects.get()
    client.post(reverse("quality:pack-request", args=[share.pk]))
    job = ExportJob.objects.get(kind="eqa_pack")
    assert job.status == ExportJob.Status.DONE, job.message
    response = client.get(reverse("tracking:job-download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "index.html" in archive.namelist()
    assert "Liam Walsh" in archive.read("index.html").decode()


def test_demo_certification_list_gives_every_learner_a_state_and_reasons(django_user_model):
    seed()
    admin = django_user_model.objects.get(email="admin@northgate.example")
    northgate = admin.memberships.get().centre
    registrations = Registration.objects.filter(centre=northgate)
    statuses = certification_status(registrations)
    assert set(statuses) == set(registrations.values_list("pk", flat=True))
    for status in statuses.values():
        if status.state == CertificationState.NOT_READY:
            assert status.reasons
            signed = {unit.pk for unit in status.signed_off}
            if len(signed) < len(status.units):
                assert any(reason.startswith("Not signed off yet") for reason in status.reasons)
        if status.state == CertificationState.READY:
            assert not status.reasons
    page = client_for_demo(admin).get(reverse("quality:certification", args=[northgate.pk])).content.decode()
    for registration in registrations.select_related("learner"):
        assert registration.learner.full_name in page
    liam = next(s for s in statuses.values() if s.registration.learner.email == "learner1@northgate.example")
    assert "1 IQA action on this learner's samples still open." in liam.reasons


def test_home_panels_for_each_role(world, plan, unit1):
    start_unit(world.registration, unit1)
    take_sample(plan, world.registration, unit1, outcome=Outcome.AGREE_WITH_ACTIONS)
    start_unit(world.other_registration, unit1)
    iqa_page = client_for(world.iqa).get(reverse("home")).content.decode()
    assert "IQA sampling" in iqa_page and "sample of " + world.other_learner.full_name in iqa_page
    assessor_page = client_for(world.assessor).get(reverse("home")).content.decode()
    assert "Actions from IQA samples" in assessor_page and "Add detail to the feedback." in assessor_page
    admin_page = client_for(world.admin).get(reverse("home")).content.decode()
    assert "ready to claim" in admin_page
    from .helpers import share

    share(world, world.registration)
    eqa_page = client_for(world.eqa).get(reverse("home")).content.decode()
    assert "Shared with you for external quality assurance" in eqa_page and world.centre.name in eqa_page
