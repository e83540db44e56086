"""The portable portfolio built in the background (tracking.jobs), with its progress on the job page."""

from __future__ import annotations

import tempfile

from django.utils.text import slugify
from django.utils.translation import gettext as _

from portfolio.models import Registration
from tracking.jobs import JobError, job, save_result
from tracking.models import ExportJob

from .access import may_export
from .building import ExportRefused, build_portfolio_zip


def _may_download(export_job: ExportJob, user) -> bool:
    """The person who asked, while they may still export that registration."""
    if export_job.created_by_id != user.pk:
        return False
    registration = Registration.objects.filter(pk=export_job.params.get("registration_id")).first()
    return registration is not None and may_export(user, registration)


@job("portable_portfolio", access=_may_download, label="portable portfolio (ZIP)")
def build_portable_portfolio(export_job: ExportJob) -> None:
    """Params: registration_id."""
    registration = (
        Registration.objects.select_related("centre", "learner", "qualification", "pathway")
        .filter(pk=export_job.params.get("registration_id"), centre_id=export_job.centre_id)
        .first()
    )
    if registration is None:
        raise JobError(_("That registration no longer exists."))
    with tempfile.TemporaryFile(prefix="portfolio-export-") as archive:
        try:
            build_portfolio_zip(registration, archive, actor=export_job.created_by, progress=export_job.report)
        except ExportRefused as error:
            raise JobError(str(error)) from error
        archive.seek(0)
        learner = slugify(registration.learner.full_name) or registration.pk
        name = f"portfolio-{learner}-{registration.qualification.number}"
        save_result(export_job, name.replace("/", "-") + ".zip", archive)
