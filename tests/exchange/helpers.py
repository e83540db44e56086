"""Helpers shared by this folder's tests (test modules never import each other)."""

import datetime as dt
import io
import json
import zipfile


def _rewrite(source, target, *, change=None, add=None, drop=()):
    """Copy the ZIP, changing entries (name -> function of bytes) and adding others."""
    change, add = change or {}, add or {}
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            if info.filename in drop:
                continue
            data = original.read(info)
            if info.filename in change:
                data = change[info.filename](data)
            copy.writestr(info.filename, data)
        for name, data in add.items():
            copy.writestr(name, data)
    return target


NEW_EMAIL = "moving.learner@example.org"


def details(world, email=None):
    """What the importing centre's admin gives for the learner (the rest comes from the ZIP)."""
    from portfolio.services.registration.checks import RegistrationInput

    return RegistrationInput(
        email=email or world.learner.email,
        full_name="Lena Learner",
        date_of_birth=dt.date(2000, 1, 1),
        qualification=None,
        start_date=dt.date.today(),
        planned_end_date=dt.date.today() + dt.timedelta(days=365),
        assessor=world.other_centre_assessor,
        iqa=world.other_centre_registration.iqa,
    )


def import_form(world, data: bytes, email=None) -> dict:
    """The import page's form as the admin fills it in, with `data` as the uploaded ZIP."""
    return {
        "archive": upload(data),
        "email": email or world.learner.email,
        "full_name": "Moving Learner",
        "date_of_birth": "2000-01-01",
        "start_date": dt.date.today().isoformat(),
        "planned_end_date": (dt.date.today() + dt.timedelta(days=365)).isoformat(),
        "assessor": world.other_centre_assessor.pk,
        "iqa": world.other_centre_registration.iqa_id,
    }


def rewrite(data: bytes, *, change=None, add=None) -> bytes:
    """The ZIP with members changed (name -> function of the old bytes) or added (name -> bytes)."""
    change, add = change or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename in change:
                body = change[info.filename](body)
            target.writestr(info.filename, body)
        for name, body in add.items():
            target.writestr(name, body)
    return out.getvalue()


def json_change(function):
    def apply(body: bytes) -> bytes:
        data = json.loads(body)
        function(data)
        return json.dumps(data).encode()

    return apply


def snapshot(media_root) -> dict:
    """What an import may write: every row it makes and every stored file."""
    from centres.models import Event, User
    from exchange.models import ImportedEvidenceFile, ImportedUnit, ImportUpload, PortfolioImport
    from ledger.models import ChainEntry
    from portfolio.models import Registration
    from tests.portfolio.helpers import stored_files

    return {
        "registrations": Registration.objects.count(),
        "users": User.objects.count(),
        "imports": PortfolioImport.objects.count(),
        "units": ImportedUnit.objects.count(),
        "files": ImportedEvidenceFile.objects.count(),
        "uploads": ImportUpload.objects.count(),
        "chain": ChainEntry.objects.count(),
        "events": Event.objects.exclude(action="export_requested").count(),
        "stored": stored_files(media_root),
    }


def upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("portfolio.zip", data, content_type="application/zip")


def complete_through_services(registration, unit):
    """Every required criterion of the unit linked, judged and marked met by the assessor, then the unit signed by
    the learner and the assessor: each decision and signature on the registration's chain."""
    from portfolio.progress import unit_status
    from portfolio.services.judgement import judge_link, mark_criterion_met
    from tests.portfolio.helpers import make_evidence
    from tests.quality.helpers import sign_off

    required = [status.criterion for status in unit_status(registration, unit).criteria if status.required]
    evidence = make_evidence(registration, criteria=required, title=f"Evidence for {unit.reference}")
    for link in evidence.links.all():
        judge_link(actor=registration.assessor, link=link, accepted=True, feedback="Meets it.")
    for criterion in required:
        mark_criterion_met(actor=registration.assessor, registration=registration, criterion=criterion)
    sign_off(registration, unit)
    return required
