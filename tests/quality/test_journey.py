"""The issue's "done when", walked through the pages as each person would."""

import datetime as dt
import io
import posixpath
import zipfile

from django.urls import reverse
from django.utils import timezone

from quality.models import Action, Outcome, SamplingPlan
from tracking.models import ExportJob, Signature, SignatureRole

from .helpers import client_for, complete_and_sign, fake_signed_units, links_in, start_unit


def test_plan_sample_disagree_share_sign_pack_and_certify(world, unit1, unit2):
    fake_signed_units(world.assessor, world.centre, world.registration.qualification, 10)  # an experienced assessor
    start_unit(world.other_registration, unit1, methods=("Obs", "WT"))
    complete_and_sign(world.registration, unit1)
    complete_and_sign(world.registration, unit2)

    # The IQA builds a plan and sees the gaps and what to sample next.
    iqa = client_for(world.iqa)
    iqa.post(
        reverse("quality:plan-create"),
        {
            "centre": world.centre.pk,
            "qualification": world.registration.qualification_id,
            "period_start": "2026-09-01",
            "period_end": "2027-08-31",
            "locations": "Training centre",
        },
    )
    plan = SamplingPlan.objects.get()
    page = iqa.get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()
    assert "<strong>gap</strong>" in page and "Start this sample" in page
    assert "Experienced on this qualification" in page

    # Interim sample with an action; the assessor completes it and the IQA closes it.
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    iqa.post(
        reverse("quality:sample-create", args=[plan.pk, world.other_registration.pk, "interim"]),
        {
            "unit": unit1.pk,
            f"all-{unit1.pk}": Outcome.AGREE_WITH_ACTIONS,
            "location": "Workplace: Acme",
            "feedback": "Sound; tighten the witness details.",
            "action-0-text": "Add the witness's job title",
            "action-0-due": due,
        },
    )
    action = Action.objects.get()
    assessor = client_for(world.other_assessor)
    assert "Add the witness" in assessor.get(reverse("home")).content.decode()
    assessor.post(reverse("quality:action-complete", args=[action.pk]), {"note": "Added."})
    iqa.post(reverse("quality:action-close", args=[action.pk]), {"note": "Seen."})
    action.refresh_from_db()
    assert action.closed_at is not None

    # Summative: agree on unit 2 signs the IQA line; disagree on unit 1 reopens it and raises the rate.
    summative = reverse("quality:sample-create", args=[plan.pk, world.registration.pk, "summative"])
    iqa.post(
        summative,
        {"unit": unit2.pk, f"all-{unit2.pk}": Outcome.AGREE, "location": "Training centre", "feedback": "Good."},
    )
    iqa.post(
        summative,
        {
            "unit": unit1.pk,
            f"all-{unit1.pk}": Outcome.DISAGREE,
            "location": "Training centre",
            "feedback": "1.4 is not evidenced.",
        },
    )
    live = Signature.objects.live().filter(sign_off__registration=world.registration)
    assert live.filter(sign_off__unit=unit2, role=SignatureRole.IQA).exists()
    assert not live.filter(sign_off__unit=unit1).exists()
    page = iqa.get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()
    assert "Raised to 50%: 1 sample with a disagreement" in page

    # The centre admin shares unit 2 with the EQA, who sees exactly that and signs the EQS line.
    admin = client_for(world.admin)
    today = timezone.localdate()
    admin.post(
        reverse("quality:share-create", args=[world.centre.pk]),
        {
            "eqa": world.eqa.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=30)).isoformat(),
            "items": [f"{world.registration.pk}:{unit2.pk}"],
        },
    )
    eqa = client_for(world.eqa)
    page = eqa.get(reverse("quality:eqa-registration", args=[world.registration.pk])).content.decode()
    assert unit2.reference in page and unit1.reference not in page
    eqa.post(reverse("quality:eqa-sign", args=[world.registration.pk, unit2.pk]))
    assert live.filter(sign_off__unit=unit2, role=SignatureRole.EQA, user=world.eqa).exists()

    # The pack opens offline.
    from portfolio.models import EqaShare

    admin.post(reverse("quality:pack-request", args=[EqaShare.objects.get().pk]))
    job = ExportJob.objects.get(kind="eqa_pack")
    response = admin.get(reverse("tracking:job-download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    for link in links_in(archive.read("index.html").decode()):
        assert posixpath.normpath(link) in names

    # Certification: the reopened unit keeps the learner from being ready, and says so.
    page = admin.get(reverse("quality:certification", args=[world.centre.pk])).content.decode()
    assert "Ready to claim (0)" in page
    assert f"Not signed off yet: {unit1.reference}." in page
