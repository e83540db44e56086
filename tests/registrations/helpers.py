"""Request data that the registration tests post: the single form, and the bulk CSV."""

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolio.services.registration import CSV_HEADER


def form_data(world, qualification, **overrides):
    today = dt.date.today()
    data = {
        "qualification": qualification.pk,
        "full_name": "Nina New",
        "email": "nina@example.test",
        "date_of_birth": "2000-05-17",
        "uln": "",
        "awarding_body_registration_number": "HF123",
        "start_date": today.isoformat(),
        "planned_end_date": (today + dt.timedelta(days=365)).isoformat(),
        "assessor": world.assessor.pk,
        "iqa": world.iqa.pk,
        "id_document_type": "",
        "id_checked_by": "",
        "id_checked_on": "",
    }
    data.update(overrides)
    return data


def row(world, **values):
    today = dt.date.today()
    base = {
        "full_name": "Bulk Learner",
        "email": "bulk1@example.test",
        "date_of_birth": "2001-02-03",
        "uln": "",
        "awarding_body_registration_number": "",
        "qualification": "600/5472/4",
        "pathway": "",
        "optional_units": "",
        "start_date": today.isoformat(),
        "planned_end_date": (today + dt.timedelta(days=300)).strftime("%d/%m/%Y"),
        "assessor_email": world.assessor.email,
        "iqa_email": world.iqa.email,
        "id_document_type": "",
        "id_checked_by_email": "",
        "id_checked_on": "",
    }
    base.update(values)
    return base


def csv_text(rows, header=CSV_HEADER) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def upload(client, world, text: str | bytes):
    content = text.encode() if isinstance(text, str) else text
    file = SimpleUploadedFile("learners.csv", content, content_type="text/csv")
    return client.post(reverse("portfolio:registration-bulk", args=[world.centre.pk]), {"file": file})
