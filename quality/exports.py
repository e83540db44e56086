"""The EQA pack: one ZIP with the shared learners' tracking sheets and registration PDFs, their evidence files,
the IQA plan and sample records, the centre's closed standardisation records, and an index page that opens
offline. Built in the background (tracking.jobs).

Every name inside the archive is generated (learners/<id>-<slugified name>/...), never a learner's file
name, so nothing in the pack can escape its folder or clash. The ZIP is written to a temporary file on
disk and handed to storage as a file, and evidence is copied in chunks, so memory stays small whatever
the size of the portfolios."""

from __future__ import annotations

import mimetypes
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Role
from portfolio.access import active_eqa_share_items
from portfolio.integrity import CHUNK, EvidenceIntegrityError, open_verified
from portfolio.models import EqaShare, Evidence, EvidenceFile, EvidenceLink, Registration
from portfolio.selectors import approved_adjustments
from portfolio.uploads import download_name
from qualifications.models import Unit
from tracking.exports import build_registration_pack, registration_pack_html
from tracking.jobs import JobError, job, save_result
from tracking.models import ExportJob
from tracking.pdf import render_pdf, unit_sheet_pdf
from tracking.sheets import build_sheets

from .access import sample_in_scope
from .models import SampleRecord, SamplingPlan, StandardisationActivity
from .selectors import sample_details, standardisation_results
from .services.coverage import coverage, shared_learner_rows

EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")


def _may_download(export_job: ExportJob, user) -> bool:
    """Who asked for it, while still a centre admin of the centre or the EQA of the (still active) share."""
    if export_job.created_by_id != user.pk:
        return False
    if has_role(user, Role.CENTRE_ADMIN, export_job.centre_id):
        return True
    share_id = export_job.params.get("share_id")
    return active_eqa_share_items(user).filter(share_id=share_id).exists()


def safe_extension(original_name: str, content_type: str) -> str:
    """A short, plain extension for a member: the detected type's when the name disagrees with it, else from the
    original name if it is tame, else from the type."""
    original_name = download_name(original_name, content_type)
    dot = original_name.rfind(".")
    if dot > 0:
        candidate = original_name[dot + 1 :].lower()
        if EXTENSION.match(candidate):
            return "." + candidate
    guessed = mimetypes.guess_extension(content_type or "") or ".bin"
    return guessed if EXTENSION.match(guessed[1:]) else ".bin"


def learner_folder(registration: Registration) -> str:
    name = slugify(registration.learner.full_name)[:40] or "learner"
    return f"learners/{registration.pk:05d}-{name}"


@dataclass
class PackLearner:
    registration: Registration
    folder: str
    unit_ids: list[int] | None  # None: the whole registration is shared
    sheets: list[tuple[str, object]] = field(default_factory=list)  # (member name, Sheet)
    registration_pdf: str = ""
    evidence: list[tuple[str, EvidenceFile, Evidence]] = field(default_factory=list)
    samples: list[tuple[str, SampleRecord]] = field(default_factory=list)
    adjustments: list = field(default_factory=list)  # approved, for the shared units (or every unit)
    # Evidence files refused because their bytes failed the integrity check: listed in the index, never packed.
    left_out: list[tuple[EvidenceFile, Evidence, str]] = field(default_factory=list)

    @property
    def relative(self) -> str:
        return self.folder


def _learners(share: EqaShare) -> list[PackLearner]:
    items = list(share.items.select_related("registration__learner", "unit"))
    shared: dict[int, set[int] | None] = {}
    for item in items:
        if item.unit_id is None:
            shared[item.registration_id] = None
        elif shared.get(item.registration_id, set()) is not None:
            shared.setdefault(item.registration_id, set()).add(item.unit_id)
    registrations = (
        Registration.objects.filter(pk__in=shared, centre_id=share.centre_id)
        .select_related("centre", "learner", "qualification", "assessor", "iqa", "pathway")
        .order_by("learner__full_name", "pk")
    )
    learners = []
    for registration in registrations:
        units = shared[registration.pk]
        learners.append(PackLearner(registration, learner_folder(registration), sorted(units) if units else None))
    return learners


@job("eqa_pack", access=_may_download, label="EQA pack")
def build_eqa_pack(export_job: ExportJob) -> None:
    """Params: share_id. The share must belong to the job's centre and not be revoked."""
    share = (
        EqaShare.objects.select_related("centre", "eqa")
        .filter(pk=export_job.params.get("share_id"), centre_id=export_job.centre_id, revoked_at__isnull=True)
        .first()
    )
    if share is None:
        raise JobError(_("That share no longer exists or was revoked."))
    export_job.report(0, 1, "Collecting the shared learners")
    learners = _learners(share)
    if not learners:
        raise JobError(_("Nothing is shared in this share."))

    # Plan what goes in, so progress can be shown against a known total.
    for learner in learners:
        registration = learner.registration
        units = None if learner.unit_ids is None else list(Unit.objects.filter(pk__in=learner.unit_ids))
        sheets = build_sheets(registration, units)
        for sheet in sheets:
            number = getattr(sheet.unit, "number_in_qualification", "") or ""
            label = slugify(f"unit-{number}-{sheet.unit.reference}".replace("/", "-"))
            learner.sheets.append((f"{learner.folder}/sheets/{label}.pdf", sheet))
        learner.registration_pdf = f"{learner.folder}/registration.pdf"
        learner.adjustments = approved_adjustments(registration, learner.unit_ids)
        evidence = (
            Evidence.objects.filter(registration=registration, is_current=True)
            .exclude(status__in=[Evidence.Status.DRAFT, Evidence.Status.WITHDRAWN])
            .prefetch_related("files", "methods")
            .order_by("reference")
        )
        if learner.unit_ids is not None:
            linked = EvidenceLink.objects.filter(criterion__unit_id__in=learner.unit_ids).exclude(
                status=EvidenceLink.Status.REJECTED
            )
            evidence = evidence.filter(pk__in=linked.values("evidence_id"))
        for item in evidence:
            for position, evidence_file in enumerate(item.files.all(), start=1):
                stem = slugify(evidence_file.original_name.rsplit(".", 1)[0])[:40] or "file"
                extension = safe_extension(evidence_file.original_name, evidence_file.content_type)
                name = f"{learner.folder}/evidence/{item.reference:03d}-v{item.version}-{position}-{stem}{extension}"
                learner.evidence.append((name, evidence_file, item))

    registration_ids = [learner.registration.pk for learner in learners]
    scope = {learner.registration.pk: set(learner.unit_ids) if learner.unit_ids else None for learner in learners}

    def in_pack(sample) -> bool:
        return sample_in_scope(scope, sample.registration_id, [u.unit_id for u in sample.units.all()])

    # A sample is packed only if every unit it looked at is shared.
    samples = [
        sample
        for sample in SampleRecord.objects.filter(registration_id__in=registration_ids, plan__centre_id=share.centre_id)
        .select_related("registration__learner", "iqa", "assessor", "plan__qualification", "countersigned_by")
        .prefetch_related("units")
        .order_by("-sampled_at")
        if in_pack(sample)
    ]
    plan_ids = {sample.plan_id for sample in samples}
    qualifications = {learner.registration.qualification_id for learner in learners}
    plans = list(
        SamplingPlan.objects.filter(centre_id=share.centre_id)
        .filter(Q(pk__in=plan_ids) | Q(qualification_id__in=qualifications, period_end__gte=share.starts_on))
        .select_related("centre", "qualification", "iqa")
        .order_by("-period_start")
    )
    by_registration = {learner.registration.pk: learner for learner in learners}
    for sample in samples:
        by_registration[sample.registration_id].samples.append((f"quality/sample-{sample.pk}.html", sample))

    standardisation = list(
        StandardisationActivity.objects.closed()
        .filter(centre_id=share.centre_id)
        .select_related("qualification", "unit", "iqa", "closed_by", "evidence__registration__learner")
        .order_by("-closed_at", "-pk")
    )
    total = (
        sum(len(learner.sheets) + 1 + len(learner.evidence) for learner in learners)
        + len(plans)
        + len(samples)
        + len(standardisation)
        + 2
    )
    done = 0

    def step(message: str) -> None:
        nonlocal done
        done += 1
        export_job.report(done, total, message)

    generated_on = timezone.localtime()
    with tempfile.TemporaryFile(prefix="eqa-pack-") as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for learner in learners:
                registration = learner.registration
                name = registration.learner.full_name
                for member, sheet in learner.sheets:
                    archive.writestr(member, unit_sheet_pdf(sheet), compress_type=zipfile.ZIP_STORED)
                    step(f"Tracking sheet {sheet.unit.reference} for {name}")
                pack = build_registration_pack(registration, learner.unit_ids)
                archive.writestr(
                    learner.registration_pdf,
                    render_pdf(registration_pack_html(pack)),
                    compress_type=zipfile.ZIP_STORED,
                )
                step(f"Registration PDF for {name}")
                packed = []
                for member, evidence_file, evidence in learner.evidence:
                    try:
                        _copy_file(archive, member, evidence_file, actor=export_job.created_by)
                    except EvidenceIntegrityError as error:
                        learner.left_out.append((evidence_file, evidence, str(error)))
                    else:
                        packed.append((member, evidence_file, evidence))
                    step(f"Evidence for {name}")
                learner.evidence = packed

            plan_members = []
            for plan in plans:
                member = f"quality/plan-{plan.pk}.html"
                cover = coverage(plan)
                packed = [sample for sample in cover.data.samples if in_pack(sample)]
                html = render_to_string(
                    "quality/pack/plan.html",
                    {
                        "plan": plan,
                        "cover": cover,
                        "learners": shared_learner_rows(cover, scope, packed),
                        "samples": [(f"sample-{sample.pk}.html", sample) for sample in packed],
                        "generated_on": generated_on,
                    },
                )
                archive.writestr(member, html)
                plan_members.append((member, plan))
                step(f"Sampling plan {plan}")
            details = sample_details(samples)
            for sample in samples:
                html = render_to_string(
                    "quality/pack/sample.html",
                    {"sample": sample, "detail": details[sample.pk], "generated_on": generated_on},
                )
                archive.writestr(f"quality/sample-{sample.pk}.html", html)
                step("Sample records")
            standardisation_members = []
            for activity in standardisation:
                member = f"quality/standardisation-{activity.pk}.html"
                evidence_shown = activity.evidence_id is None or sample_in_scope(
                    scope, activity.evidence.registration_id, [activity.unit_id]
                )
                html = render_to_string(
                    "quality/pack/standardisation.html",
                    {
                        "activity": activity,
                        "results": standardisation_results(activity),
                        "evidence_shown": evidence_shown,
                        "generated_on": generated_on,
                    },
                )
                archive.writestr(member, html)
                standardisation_members.append((member, activity))
                step(f"Standardisation record {activity.title}")

            index = render_to_string(
                "quality/pack/index.html",
                {
                    "share": share,
                    "learners": learners,
                    "plans": plan_members,
                    "standardisation": standardisation_members,
                    "generated_on": generated_on,
                },
            )
            archive.writestr("index.html", index)
            step("Index page")
        spool.seek(0)
        filename = f"eqa-pack-{slugify(share.centre.name) or share.centre_id}-{generated_on:%Y-%m-%d}.zip"
        save_result(export_job, filename, spool)
    left_out = sum(len(learner.left_out) for learner in learners)
    if left_out:
        export_job.report(
            total,
            total,
            f"Ready to download, without {left_out} evidence file{'s' if left_out != 1 else ''} that failed "
            "the integrity check (listed on the pack's index page; the centre's admins have been told)",
        )
    else:
        export_job.report(total, total, "Ready to download")


def _copy_file(archive: zipfile.ZipFile, member: str, evidence_file: EvidenceFile, *, actor) -> None:
    """Copy the file's verified bytes into the pack; EvidenceIntegrityError (reported to the centre) when they no
    longer match the hash taken at upload, before anything is written to the archive."""
    info = zipfile.ZipInfo(member, date_time=timezone.localtime(evidence_file.uploaded_at).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED if _compressed(evidence_file.content_type) else zipfile.ZIP_DEFLATED
    with (
        open_verified(evidence_file, actor=actor, found_by="building an EQA pack") as source,
        archive.open(info, "w", force_zip64=True) as target,
    ):
        shutil.copyfileobj(source, target, CHUNK)


def _compressed(content_type: str) -> bool:
    return content_type.startswith(("image/", "audio/", "video/")) or content_type in (
        "application/pdf",
        "application/zip",
    )
