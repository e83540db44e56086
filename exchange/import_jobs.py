"""Importing a portfolio in the background (tracking.jobs): the uploaded ZIP is streamed into storage, a job checks
and imports it with its progress on the job page, which ends with the new registration's link or the refusal, each
problem named. The stored ZIP is deleted once the job is done either way; remove_abandoned_uploads (a periodic
task) deletes any whose job never finished."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import uuid

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from centres.models import Centre, User
from portfolio.services.registration.checks import RegistrationInput
from tracking.jobs import LIVE, JobError, enqueue, job
from tracking.models import ExportJob

from .checking import CHUNK
from .importing import ImportRefused, import_portfolio, may_import
from .models import ImportUpload, PortfolioImport

KIND = "portfolio_import"


def _may_follow(export_job: ExportJob, user) -> bool:
    """The admin who uploaded it, while they are still an admin of that centre."""
    return export_job.created_by_id == user.pk and may_import(user, export_job.centre)


def _imported_link(export_job: ExportJob) -> tuple[str, str] | None:
    imported = PortfolioImport.objects.filter(job=export_job).only("registration_id").first()
    if imported is None:
        return None
    return reverse("exchange:imported", args=[imported.registration_id]), _("Open the imported portfolio")


def queue_import(*, actor, centre: Centre, upload, learner: RegistrationInput) -> ExportJob:
    """Store the uploaded ZIP (copied in chunks from Django's temporary upload file, never whole in memory) and
    queue the job that checks and imports it. The stored copy is removed if the job cannot be queued."""
    if not may_import(actor, centre):
        raise JobError(_("Only an admin of this centre imports portfolios into it."))
    pending = ImportUpload(
        centre=centre, uploaded_by=actor, original_name=(upload.name or "portfolio.zip")[:255], size=upload.size
    )
    upload.seek(0)
    pending.file.save(f"{uuid.uuid4().hex}.zip", File(upload), save=False)
    try:
        pending.save()
        return enqueue(
            KIND,
            user=actor,
            centre=centre,
            params={
                "upload_id": pending.pk,
                "language": translation.get_language() or settings.LANGUAGE_CODE,
                "learner": {
                    "email": learner.email,
                    "full_name": learner.full_name,
                    "date_of_birth": learner.date_of_birth.isoformat(),
                    "start_date": learner.start_date.isoformat(),
                    "planned_end_date": learner.planned_end_date.isoformat(),
                    "assessor_id": learner.assessor.pk,
                    "iqa_id": learner.iqa.pk,
                },
            },
        )
    except Exception:
        _discard(pending)
        raise


def _learner(data: dict, centre: Centre) -> RegistrationInput:
    staff = {user.pk: user for user in User.objects.filter(pk__in=[data["assessor_id"], data["iqa_id"]])}
    if data["assessor_id"] not in staff or data["iqa_id"] not in staff:
        raise JobError(_("The assessor or IQA chosen no longer has an account: import the portfolio again."))
    return RegistrationInput(
        email=data["email"],
        full_name=data["full_name"],
        date_of_birth=dt.date.fromisoformat(data["date_of_birth"]),
        qualification=None,
        start_date=dt.date.fromisoformat(data["start_date"]),
        planned_end_date=dt.date.fromisoformat(data["planned_end_date"]),
        assessor=staff[data["assessor_id"]],
        iqa=staff[data["iqa_id"]],
    )


@job(KIND, access=_may_follow, label="portfolio import", result_link=_imported_link)
def import_in_background(export_job: ExportJob) -> None:
    """Params: upload_id, language, learner (the form's details, staff by id)."""
    with translation.override(export_job.params.get("language") or settings.LANGUAGE_CODE):
        if PortfolioImport.objects.filter(job=export_job).exists():
            # A run given up on after its import was committed: the import stands, only the upload is left.
            _discard(ImportUpload.objects.filter(pk=export_job.params.get("upload_id")).first())
            return
        pending = ImportUpload.objects.filter(pk=export_job.params.get("upload_id"), centre=export_job.centre).first()
        if pending is None:
            raise JobError(_("The uploaded file is no longer kept: upload it again."))
        try:
            with tempfile.TemporaryFile(prefix="portfolio-import-") as archive:
                with pending.file.open("rb") as source:
                    shutil.copyfileobj(source, archive, CHUNK)
                archive.seek(0)
                import_portfolio(
                    actor=export_job.created_by,
                    centre=export_job.centre,
                    archive=archive,
                    learner=_learner(export_job.params["learner"], export_job.centre),
                    job=export_job,
                    progress=export_job.report,
                )
        except ImportRefused as refused:
            raise JobError("\n".join(refused.problems)) from refused
        except OSError as error:
            raise JobError(_("The uploaded file could not be read: upload it again.")) from error
        finally:
            _discard(pending)
        export_job.report(1, 1, _("The portfolio verified and was imported."))


def _discard(pending: ImportUpload | None) -> None:
    if pending is None:
        return
    pending.file.delete(save=False)  # storage ignores a file already gone
    if pending.pk is not None:
        with transaction.atomic():
            ImportUpload.objects.filter(pk=pending.pk).delete()


def remove_abandoned_uploads(now: dt.datetime | None = None) -> int:
    """Delete the uploads whose job is no longer queued or running (a worker gave up on it) after an hour."""
    now = now or timezone.now()
    removed = 0
    old = ImportUpload.objects.filter(uploaded_at__lt=now - dt.timedelta(hours=1))
    live = {
        params.get("upload_id")
        for params in ExportJob.objects.filter(kind=KIND, status__in=LIVE).values_list("params", flat=True)
    }
    for pending in old:
        if pending.pk not in live:
            _discard(pending)
            removed += 1
    return removed
