"""The gateway pack built in the background (tracking.jobs), with its progress on the job page."""

from __future__ import annotations

import tempfile

from tracking.jobs import JobError, job, save_result
from tracking.models import ExportJob

from .gateway_pack import PackRefused, base_name, build_gateway_pack, may_download_pack
from .models import Apprenticeship


def _apprenticeship(export_job: ExportJob) -> Apprenticeship | None:
    return (
        Apprenticeship.objects.select_related(
            "registration__centre",
            "registration__learner",
            "registration__qualification",
            "registration__pathway",
            "employer",
            "employer_contact__user",
        )  # fmt: skip
        .filter(registration_id=export_job.params.get("registration_id"), registration__centre_id=export_job.centre_id)
        .first()
    )


def _may_download(export_job: ExportJob, user) -> bool:
    """The apprentice's assessor and the centre's admins (not only the one who asked), while they still are."""
    apprenticeship = _apprenticeship(export_job)
    return apprenticeship is not None and may_download_pack(user, apprenticeship.registration)


@job("gateway_pack", access=_may_download, label="gateway pack")
def build_pack(export_job: ExportJob) -> None:
    """Params: registration_id, format ("pdf" or "zip")."""
    apprenticeship = _apprenticeship(export_job)
    if apprenticeship is None:
        raise JobError("That apprenticeship no longer exists.")
    as_zip = export_job.params.get("format") == "zip"
    with tempfile.TemporaryFile(prefix="gateway-pack-") as out:
        try:
            build_gateway_pack(apprenticeship, as_zip=as_zip, out=out, progress=export_job.report)
        except PackRefused as error:
            raise JobError(str(error)) from error
        out.seek(0)
        save_result(export_job, base_name(apprenticeship) + (".zip" if as_zip else ".pdf"), out)
