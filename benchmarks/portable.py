"""The portable portfolio and the API in the benchmark (issue 17): a registration of about 150 criteria and 60
evidence files (each a distinct PNG of random pixels, so the ZIP cannot compress them away), exported by the export
job's own work run synchronously, checked by `verify_portfolio` and by the offline verifier (verify.html) in headless
Chromium; and the API's list endpoints with a token of the centre holding every read scope."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import shutil
import statistics
import time
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from centres.models import User
from portfolio.models import CriterionDecision, Evidence, EvidenceFile, EvidenceLink, Registration, RegistrationUnit
from qualifications.models import AssessmentCriterion, AssessmentMethod, Qualification, QualificationUnit

from .data import NVQ, BenchCentre, _bulk

EXPORT_CRITERIA = 150
EXPORT_FILES = 60
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BROWSER_RUNS = 3
BROWSER_TIMEOUT_MS = 120_000


def _png(seed: int, kilobytes: int) -> bytes:
    """A PNG of random pixels of about `kilobytes` (random pixels do not compress: like a photo, not a blank)."""
    from PIL import Image

    side = max(8, int((kilobytes * 1024 / 3) ** 0.5))
    pixels = random.Random(seed).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, format="PNG", compress_level=1)
    return out.getvalue()


def build_export_registration(bench: BenchCentre, *, file_kb: int) -> None:
    """A learner on the NVQ with whole units adding up to about 150 criteria, every one accepted and marked met
    through 60 pieces of evidence with a file each, and the registration's hash chain written (exchange.backfill,
    as for a registration recorded before the ledger), as the export needs."""
    from exchange.backfill import backfill

    today, now = timezone.localdate(), timezone.now()
    qualification = Qualification.objects.get(number=NVQ)
    memberships = QualificationUnit.objects.filter(qualification=qualification).select_related("unit")
    units, criteria = [], []
    for membership in sorted(memberships, key=lambda m: (not m.mandatory, m.unit.reference)):
        if len(criteria) >= EXPORT_CRITERIA:
            break
        units.append(membership.unit)
        criteria += list(
            AssessmentCriterion.objects.filter(unit=membership.unit).order_by("learning_outcome__number", "id")
        )
    learner = User.objects.create(email="export-learner@bench.test", full_name="Export Learner")
    registration = Registration.objects.create(
        centre_id=bench.centre_id,
        learner=learner,
        qualification=qualification,
        assessor_id=bench.assessor_id,
        iqa_id=bench.iqa_id,
        date_of_birth=dt.date(1998, 8, 8),
        start_date=today - dt.timedelta(days=300),
        planned_end_date=today + dt.timedelta(days=60),
        next_evidence_reference=EXPORT_FILES + 1,
        created_by_id=bench.admin_id,
    )
    RegistrationUnit.objects.bulk_create(
        [RegistrationUnit(registration=registration, unit=unit, chosen=True) for unit in units]
    )
    evidence = _bulk(
        Evidence,
        [
            Evidence(registration=registration, reference=n, title=f"Observation {n}",
                     date=today - dt.timedelta(days=EXPORT_FILES + 1 - n), author=learner,
                     status=Evidence.Status.SUBMITTED, submitted_at=now, declared_own_work_at=now)
            for n in range(1, EXPORT_FILES + 1)
        ],
        bench.rows,
    )  # fmt: skip
    evidence = list(Evidence.objects.filter(registration=registration).order_by("reference"))
    method = AssessmentMethod.objects.get(code="Obs")
    Evidence.methods.through.objects.bulk_create(
        [Evidence.methods.through(evidence_id=e.pk, assessmentmethod_id=method.pk) for e in evidence]
    )
    files = []
    for piece in evidence:
        data = _png(piece.reference, file_kb)
        name = default_storage.save(f"evidence/bench/export-{piece.reference}.png", ContentFile(data))
        files.append(
            EvidenceFile(evidence=piece, file=name, original_name=f"photo-{piece.reference:02d}.png",
                         content_type="image/png", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                         uploaded_by=learner)
        )  # fmt: skip
    _bulk(EvidenceFile, files, bench.rows)
    links, decisions = [], []
    for n, criterion in enumerate(criteria):
        links.append(
            EvidenceLink(evidence=evidence[n * EXPORT_FILES // len(criteria)], criterion=criterion, status="accepted",
                         judged_by_id=bench.assessor_id, judged_at=now, feedback="Met.")
        )  # fmt: skip
        decisions.append(
            CriterionDecision(
                registration=registration, criterion=criterion, met_on=today, decided_by_id=bench.assessor_id
            )
        )
    _bulk(EvidenceLink, links, bench.rows)
    _bulk(CriterionDecision, decisions, bench.rows)
    backfill(Registration.objects.filter(pk=registration.pk))
    bench.export_registration_id = registration.pk


def time_export(bench: BenchCentre, output: Path) -> dict:
    """The export job's work (tracking.jobs.enqueue with JOBS_RUNNER="sync", as the benchmark settings set), then
    `verify_portfolio` on its ZIP; the ZIP is copied to the output folder for the browser verifier."""
    from tracking.jobs import enqueue
    from tracking.models import ExportJob

    registration = Registration.objects.select_related("learner", "centre").get(pk=bench.export_registration_id)
    started = time.perf_counter()
    job = enqueue(
        "portable_portfolio",
        user=registration.learner,
        centre=registration.centre,
        params={"registration_id": registration.pk},
    )
    export_seconds = time.perf_counter() - started
    if job.status != ExportJob.Status.DONE:
        raise RuntimeError(f"The export failed: {job.message}")
    archive = output / f"export-{bench.size}.zip"
    with job.result.open("rb") as source, archive.open("wb") as target:
        shutil.copyfileobj(source, target)
    said = io.StringIO()
    started = time.perf_counter()
    call_command("verify_portfolio", str(archive), stdout=said)
    verify_seconds = time.perf_counter() - started
    return {
        "criteria": CriterionDecision.objects.filter(registration=registration).count(),
        "evidence_files": EvidenceFile.objects.filter(evidence__registration=registration).count(),
        "file_bytes": sum(
            EvidenceFile.objects.filter(evidence__registration=registration).values_list("size", flat=True)
        ),
        "export_seconds": round(export_seconds, 2),
        "zip_bytes": archive.stat().st_size,
        "zip": str(archive),
        "verify_command_seconds": round(verify_seconds, 2),
        "verify_command_says": said.getvalue().strip().rsplit(": ", 1)[-1],
    }


def time_browser_verifier(archive: Path, runs: int = BROWSER_RUNS) -> dict:
    """verify.html from the ZIP, opened from a file:// path in headless Chromium: the time from choosing the ZIP
    to the verdict shown, `runs` times on a freshly loaded page. No database work here: Playwright's event loop
    and Django's ORM do not share a thread."""
    import tempfile
    import zipfile

    if not Path(CHROMIUM).exists():
        return {"skipped": f"Chromium is not installed ({CHROMIUM} is absent)."}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "Playwright is not installed (it comes with the development requirements)."}
    samples, verdict = [], ""
    with tempfile.TemporaryDirectory(prefix="bench-verifier-") as folder:
        with zipfile.ZipFile(archive) as opened:
            opened.extract("verify.html", folder)
        page_url = (Path(folder) / "verify.html").as_uri()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                for _ in range(runs):
                    page = browser.new_page()
                    page.goto(page_url)
                    started = time.perf_counter()
                    page.set_input_files("#zip", str(archive))
                    page.wait_for_function(
                        "() => /^(Valid|Not valid)/.test(document.getElementById('verdict').textContent)",
                        timeout=BROWSER_TIMEOUT_MS,
                    )
                    samples.append(time.perf_counter() - started)
                    verdict = page.locator("#verdict").text_content()
                    page.close()
            finally:
                browser.close()
    return {
        "runs": len(samples),
        "median_seconds": round(statistics.median(samples), 2),
        "max_seconds": round(max(samples), 2),
        "verdict": verdict,
    }


def api_endpoints(bench: BenchCentre) -> dict[str, str]:
    """The API's list endpoints (and the OTJ summary beside the reviews), for the measured learner and
    apprentice."""
    registration, apprentice = bench.registration_id, bench.apprentice_registration_id
    return {
        "registrations (first page)": "/api/v1/registrations",
        "a registration's evidence": f"/api/v1/registrations/{registration}/evidence",
        "a registration's signatures": f"/api/v1/registrations/{registration}/signatures",
        "an apprentice's OTJ hours": f"/api/v1/registrations/{apprentice}/otj",
        "an apprentice's reviews": f"/api/v1/registrations/{apprentice}/reviews",
    }


def api_client(bench: BenchCentre) -> Client:
    """A client bearing a new token of the centre with every read scope, made by the centre admin."""
    from api.models import Scope
    from api.tokens import create_token
    from centres.models import Centre

    admin = User.objects.get(pk=bench.admin_id)
    scopes = [scope for scope in Scope.values if scope.endswith(":read")]
    _, secret = create_token(
        actor=admin, centre=Centre.objects.get(pk=bench.centre_id), name="Benchmark", scopes=scopes, days=7
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})
