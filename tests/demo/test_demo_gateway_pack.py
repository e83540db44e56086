"""The demo apprentice (Jacob Evans, learner3) and the gateway pack. The demo leaves him part-way through his
apprenticeship, so his gateway page refuses the pack with the reason; once the rest of his checklist is met (here,
through the services, as his assessor, his employer and he would), his assessor builds the pack and it opens."""

import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apprenticeships.models import Apprenticeship, OtjEntry
from apprenticeships.services.gateway import confirm_by_employer, declare_by_learner, record_english_maths
from centres.models import User
from portfolio.models import CriterionDecision
from tests.tracking.helpers import add_evidence
from tracking.models import ExportJob, SignatureRole
from tracking.services.signoff import sign_unit
from tracking.sheets import build_sheets

pytestmark = pytest.mark.django_db

PASSWORD = "demo-pass-2026"


def client_for(email: str) -> Client:
    client = Client()
    assert client.login(email=email, password=PASSWORD), email
    return client


def _finish_jacobs_units(registration) -> None:
    """Evidence and a met decision for each required criterion still open, then the learner's and assessor's
    signatures on each unit."""
    met = set(CriterionDecision.objects.filter(registration=registration).values_list("criterion_id", flat=True))
    for sheet in build_sheets(registration, methods=[]):
        open_criteria = [
            status.criterion
            for outcome in sheet.status.outcomes
            for status in outcome.criteria
            if status.required and not status.met and status.criterion.pk not in met
        ]
        if open_criteria:
            add_evidence(registration, open_criteria)
            for criterion in open_criteria:
                CriterionDecision.objects.create(
                    registration=registration,
                    criterion=criterion,
                    met_on=dt.date(2026, 3, 2),
                    decided_by=registration.assessor,
                )
    for sheet in build_sheets(registration, methods=[]):
        for user, role in (
            (registration.learner, SignatureRole.LEARNER),
            (registration.assessor, SignatureRole.ASSESSOR),
        ):
            if role not in sheet.state.live:
                sign_unit(registration=registration, unit=sheet.unit, user=user, role=role)


def test_the_demo_apprentices_gateway_pack_is_refused_until_ready_then_builds_and_opens(settings):
    call_command("seed_demo", stdout=io.StringIO())
    apprenticeship = Apprenticeship.objects.select_related("registration").get(
        registration__learner__email="learner3@northgate.example"
    )
    registration = apprenticeship.registration
    assessor = client_for("assessor@northgate.example")
    gateway = reverse("apprenticeships:gateway", args=[registration.pk])
    assert "Build the PDF" in assessor.get(gateway).content.decode()
    refused = assessor.post(
        reverse("apprenticeships:gateway-pack", args=[registration.pk]), {"format": "pdf"}, follow=True
    )
    assert "Not ready for the gateway pack" in refused.content.decode()
    assert not ExportJob.objects.filter(kind="gateway_pack").exists()

    _finish_jacobs_units(registration)
    last = apprenticeship.otj_entries.order_by("-date").first()
    OtjEntry.objects.create(  # the rest of his OTJ hours, as one recorded block of data
        apprenticeship=apprenticeship,
        date=last.date,
        hours=apprenticeship.otj_target_hours,
        activity_type="theory",
        description="Workshops",
        recorded_by=registration.learner,
    )
    record_english_maths(
        actor=registration.assessor, apprenticeship=apprenticeship, evidence="GCSE maths 4; FS English L2"
    )
    declare_by_learner(actor=registration.learner, apprenticeship=apprenticeship, ip_address=None)
    employer = User.objects.get(email="employer@harbour.example")
    confirm_by_employer(actor=employer, apprenticeship=apprenticeship, ip_address=None)

    settings.JOBS_RUNNER = "sync"
    response = assessor.post(reverse("apprenticeships:gateway-pack", args=[registration.pk]), {"format": "pdf"})
    export_job = ExportJob.objects.get(kind="gateway_pack")
    assert response.url == reverse("tracking:job-status", args=[export_job.pk])
    assert export_job.status == ExportJob.Status.DONE, export_job.message
    download = client_for("admin@northgate.example").get(reverse("tracking:job-download", args=[export_job.pk]))
    assert download.status_code == 200
    data = b"".join(download.streaming_content) if download.streaming else download.content
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Jacob Evans" in text and "Harbour Hotels" in text and "Hannah Harbour" in text
    assert Decimal(apprenticeship.otj_target_hours) > 0
