"""Importing a portable portfolio at another centre (issue 17 part 4): refused with nothing stored unless it
verifies; on success the learner carries on at the new centre with the signed-off units carried over read-only."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from centres.models import Event
from core.errors import DomainError
from exchange.building import build_portfolio_zip
from exchange.importing import ImportNotAllowed, ImportRefused, import_portfolio
from exchange.models import ImportedEvidenceFile, ImportedUnit, PortfolioImport
from ledger.models import ChainEntry
from ledger.services import head_of, verify
from portfolio.models import Registration
from portfolio.progress import registration_progress
from tests.exchange.helpers import NEW_EMAIL, details, import_form, json_change, rewrite, snapshot
from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, make_evidence
from tests.quality.helpers import required_criteria
from tracking.models import ExportJob, SignatureRole
from tracking.services.signoff import sign_unit


def _first_evidence(data: bytes) -> str:
    return next(name for name in zipfile.ZipFile(io.BytesIO(data)).namelist() if name.startswith("evidence/"))


def _flip_decision(data):
    data["decisions"][0]["content"]["status"] = "rejected"


def _unknown_qualification(data):
    data["qualification"]["number"] = "999/9999/9"


REFUSALS = {
    "changed file": (lambda data: rewrite(data, change={_first_evidence(data): lambda b: b + b"x"}), "Changed file"),
    "changed decision": (
        lambda data: rewrite(data, change={"decisions.json": json_change(_flip_decision)}),
        "Changed decision",
    ),
    "removed chain entry": (
        lambda data: rewrite(data, change={"chain.json": json_change(lambda c: c["entries"].pop(1))}),
        "Chain entry 2",
    ),
    "reordered chain entries": (
        lambda data: rewrite(data, change={"chain.json": json_change(lambda c: c["entries"].reverse())}),
        "Chain entry 1",
    ),
    "removed last chain entry": (
        lambda data: rewrite(data, change={"chain.json": json_change(lambda c: c["entries"].pop())}),
        "removed",
    ),
    "added file": (lambda data: rewrite(data, add={"evidence/extra.txt": b"not exported"}), "Added file"),
    "zip slip": (lambda data: rewrite(data, add={"../outside.txt": b"escape"}), "Unsafe path"),
    "zip bomb": (lambda data: rewrite(data, add={"sheets/bomb.pdf": bytes(8 * 1024**2)}), "Zip bomb"),
    "unknown qualification": (
        lambda data: rewrite(data, change={"manifest.json": json_change(_unknown_qualification)}),
        "Unknown qualification: 999/9999/9",
    ),
    "not a zip": (lambda data: b"PK not really", "Not a readable ZIP"),
    "catalogue left out": (lambda data: _without_catalogue(data), "Missing file: catalogue.json"),
}


def _without_catalogue(data: bytes) -> bytes:
    """A ZIP whose manifest no longer lists catalogue.json, and without it: it verifies, but cannot be imported."""

    def unlist(manifest):
        manifest["files"] = [item for item in manifest["files"] if item["path"] != "catalogue.json"]

    changed = rewrite(data, change={"manifest.json": json_change(unlist)})
    source = zipfile.ZipFile(io.BytesIO(changed))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "catalogue.json":
                target.writestr(info.filename, source.read(info))
    return out.getvalue()


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_each_refusal_names_the_problem_and_stores_nothing(case, world, zip_bytes, media_root):
    make, expected = REFUSALS[case]
    before = snapshot(media_root)
    with pytest.raises(ImportRefused) as refused:
        import_portfolio(
            actor=world.other_admin,
            centre=world.other_centre,
            archive=io.BytesIO(make(zip_bytes)),
            learner=details(world, NEW_EMAIL),
        )
    assert any(expected in problem for problem in refused.value.problems), refused.value.problems
    assert snapshot(media_root) == before


def test_a_failure_after_files_were_stored_removes_them_and_every_row(world, zip_bytes, media_root, monkeypatch):
    before = snapshot(media_root)

    def broken(*args, **kwargs):
        raise DomainError("The chain could not be written.")

    monkeypatch.setattr("exchange.importing.append", broken)
    with pytest.raises(DomainError):
        import_portfolio(
            actor=world.other_admin,
            centre=world.other_centre,
            archive=io.BytesIO(zip_bytes),
            learner=details(world, NEW_EMAIL),
        )
    assert snapshot(media_root) == before


def test_only_an_admin_of_the_importing_centre_may_import(world, zip_bytes, media_root):
    before = snapshot(media_root)
    for actor in (world.admin, world.other_centre_assessor, world.learner):
        with pytest.raises(ImportNotAllowed):
            import_portfolio(
                actor=actor, centre=world.other_centre, archive=io.BytesIO(zip_bytes), learner=details(world)
            )
    assert snapshot(media_root) == before


def test_import_at_another_centre_carries_signed_units_over_and_the_learner_carries_on(
    client, world, signed, zip_bytes, media_root
):
    source_head = head_of(signed.pk).head_hash
    source_chain = ChainEntry.objects.filter(registration_id=signed.pk).count()
    client.force_login(world.other_admin)
    response = client.post(
        reverse("exchange:portfolio-import", kwargs={"centre_pk": world.other_centre.pk}),
        import_form(world, zip_bytes, email=world.learner.email.upper()),
    )
    # The upload is checked and imported in the background; its page ends with the imported registration's link.
    import_job = ExportJob.objects.get(kind="portfolio_import")
    assert response.status_code == 302
    assert response["Location"] == reverse("tracking:job-status", kwargs={"pk": import_job.pk})
    imported = PortfolioImport.objects.get()
    registration = imported.registration
    assert import_job.status == ExportJob.Status.DONE and imported.job == import_job
    job_page = client.get(response["Location"]).content.decode()
    imported_url = reverse("exchange:imported", kwargs={"pk": registration.pk})
    assert f'href="{imported_url}"' in job_page and "The portfolio verified and was imported." in job_page
    # The learner, matched by email, has a new registration at centre B for the same qualification.
    assert registration.learner == world.learner
    assert registration.centre == world.other_centre
    assert registration.qualification == signed.qualification
    # Unit B, signed off at centre A, is carried over with its original signatures; unit A is not.
    carried = ImportedUnit.objects.get(registration=registration)
    assert carried.unit.reference == UNIT_B
    assert {s["role"] for s in carried.signatures} == {"learner", "assessor"}
    assert {s["name"] for s in carried.signatures} == {world.learner.full_name, world.assessor.full_name}
    # The evidence files are stored with their SHA-256 and served after their bytes are checked.
    files = list(ImportedEvidenceFile.objects.filter(registration=registration))
    assert files and all(len(file.sha256) == 64 for file in files)
    page = client.get(imported_url)
    assert page.status_code == 200
    assert UNIT_B in page.content.decode() and imported.chain_head in page.content.decode()
    download = client.get(reverse("exchange:imported-file", kwargs={"pk": files[0].pk}))
    assert download.status_code == 200
    # The new registration's chain starts with the import, recording the imported chain's head.
    first = ChainEntry.objects.get(registration_id=registration.pk, seq=1)
    assert first.kind == "imported" and json.loads(first.content)["chain_head"] == source_head
    assert verify(registration).ok
    assert Event.objects.filter(action="portfolio.imported", registration_id=registration.pk).exists()
    # Read-only: the carried unit's sheet says so and no one signs it again.
    sheet_url = reverse("tracking:sheet", kwargs={"registration_pk": registration.pk, "unit_pk": carried.unit.pk})
    sheet = client.get(sheet_url)
    assert "Carried over from Northgate Training" in sheet.content.decode()
    assert world.assessor.full_name in sheet.content.decode()  # the original assessor's signature, on the sheet
    progress = registration_progress([registration])[registration.pk]
    assert progress.met == len(required_criteria(registration, carried.unit)) > 0
    with pytest.raises(DomainError):
        sign_unit(registration=registration, unit=carried.unit, user=world.learner, role=SignatureRole.LEARNER)
    # The learner carries on: new evidence for the unit not carried over.
    evidence = make_evidence(registration, criteria=criteria_of(UNIT_A, 1))
    assert evidence.registration == registration
    # Centre A's record is unchanged.
    assert head_of(signed.pk).head_hash == source_head
    assert ChainEntry.objects.filter(registration_id=signed.pk).count() == source_chain
    assert Registration.objects.get(pk=signed.pk).centre == world.centre


def test_a_learner_without_an_account_is_invited(world, zip_bytes, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        imported = import_portfolio(
            actor=world.other_admin,
            centre=world.other_centre,
            archive=io.BytesIO(zip_bytes),
            learner=details(world, NEW_EMAIL),
        )
    learner = imported.registration.learner
    assert learner.email == NEW_EMAIL
    assert learner.invitations.pending().exists()


def test_the_import_page_is_the_importing_centres_admins_only(client, world):
    url = reverse("exchange:portfolio-import", kwargs={"centre_pk": world.other_centre.pk})
    client.force_login(world.other_admin)
    assert client.get(url).status_code == 200
    client.force_login(world.other_centre_assessor)
    assert client.get(url).status_code == 403
    client.force_login(world.admin)
    assert client.get(url).status_code == 404


def test_the_imported_page_reads_a_fixed_number_of_queries(client, world, zip_bytes):
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    imported = import_portfolio(
        actor=world.other_admin, centre=world.other_centre, archive=io.BytesIO(zip_bytes), learner=details(world)
    )
    url = reverse("exchange:imported", kwargs={"pk": imported.registration_id})
    client.force_login(world.other_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.get(url)  # the session and the catalogue are read once per process
    small = count()
    for number in range(2, 12):
        file = ImportedEvidenceFile(
            portfolio_import=imported, registration=imported.registration, chain_seq=100 + number,
            evidence_reference=number, evidence_version=1, original_name=f"more-{number}.txt", size=4, sha256="0" * 64,
        )  # fmt: skip
        file.file.save(f"more-{number}.txt", ContentFile(b"more"), save=False)
        file.save()
    assert count() == small


def test_the_import_page_names_each_problem_and_stores_nothing(client, world, zip_bytes, media_root):
    before = snapshot(media_root)
    client.force_login(world.other_admin)
    response = client.post(
        reverse("exchange:portfolio-import", kwargs={"centre_pk": world.other_centre.pk}),
        import_form(world, rewrite(zip_bytes, add={"evidence/extra.txt": b"not exported"}), email=NEW_EMAIL),
    )
    import_job = ExportJob.objects.get(kind="portfolio_import")
    assert response["Location"] == reverse("tracking:job-status", kwargs={"pk": import_job.pk})
    assert import_job.status == ExportJob.Status.FAILED
    page = client.get(response["Location"]).content.decode()
    assert "Added file: evidence/extra.txt is not part of the exported portfolio." in page
    assert "nothing was imported" in page
    # No registration, no import rows, no evidence files, and the uploaded ZIP deleted.
    assert snapshot(media_root) == before


def test_the_new_registration_exports_and_verifies_with_its_imported_entry(world, zip_bytes, tmp_path):
    from exchange.checking import check_zip

    imported = import_portfolio(
        actor=world.other_admin, centre=world.other_centre, archive=io.BytesIO(zip_bytes), learner=details(world)
    )
    path = tmp_path / "again.zip"
    build_portfolio_zip(imported.registration, path)
    report = check_zip(path)
    assert report.ok, report.problems
    chain = json.loads(zipfile.ZipFile(path).read("chain.json"))["entries"]
    assert chain[0]["kind"] == "imported" and json.loads(chain[0]["content"])["chain_head"] == imported.chain_head
