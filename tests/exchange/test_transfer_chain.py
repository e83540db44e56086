"""A portfolio moves on twice (issue 17 part 4): exported at centre A, imported at B where the learner signs off
another unit, exported from B (carrying A's chain and evidence files), verified, and imported at a third centre C,
where the units of both earlier centres are carried over. The sending centres' records are unchanged."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from centres.models import Role
from exchange.building import build_portfolio_zip
from exchange.checking import check_zip
from exchange.importing import import_portfolio
from exchange.models import ImportedEvidenceFile, ImportedUnit
from ledger.models import ChainEntry
from ledger.services import head_of, verify
from portfolio.models import Registration
from portfolio.services.registration.checks import RegistrationInput
from qualifications.models import Unit
from tests.exchange.helpers import complete_through_services, details, rewrite
from tests.factories import make_centre, make_staff
from tests.portfolio.helpers import UNIT_A, UNIT_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_b(world, zip_bytes):
    """Imported at centre B (Southbank College), where the learner completes unit A and signs it off."""
    imported = import_portfolio(
        actor=world.other_admin, centre=world.other_centre, archive=io.BytesIO(zip_bytes), learner=details(world)
    )
    Registration.objects.filter(pk=imported.registration_id).update(id_checked_on=timezone.localdate())
    registration = Registration.objects.get(pk=imported.registration_id)
    complete_through_services(registration, Unit.objects.get(reference=UNIT_A))
    return registration


@pytest.fixture
def third_centre():
    centre = make_centre("Eastfield Academy")
    return {
        "centre": centre,
        "admin": make_staff(centre, Role.CENTRE_ADMIN),
        "assessor": make_staff(centre, Role.ASSESSOR),
        "iqa": make_staff(centre, Role.IQA),
    }


def _export(registration, tmp_path, name: str):
    path = tmp_path / name
    build_portfolio_zip(registration, path)
    return path


def test_the_export_from_the_second_centre_carries_the_first_centres_files_and_verifies(world, signed, at_b, tmp_path):
    path = _export(at_b, tmp_path, "from-b.zip")
    report = check_zip(path)
    assert report.ok, report.problems
    call_command("verify_portfolio", str(path))  # raises CommandError if it does not verify
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    (earlier,) = manifest["earlier"]
    assert earlier["centre"]["name"] == "Northgate Training"
    assert earlier["chain"]["head"] == head_of(signed.pk).head_hash  # centre A's chain, as it was exported
    # Every evidence file of centre A travels on, at the path the manifest gives it.
    first_centre_files = ImportedEvidenceFile.objects.filter(registration=at_b)
    assert first_centre_files.count() == len(earlier["evidence_files"]) > 0
    assert {item["path"] for item in earlier["evidence_files"]} <= names
    # The format's JSON Schema describes the re-export too (its manifest, its chain with the "imported" entry and
    # the earlier chain).
    from pathlib import Path

    import jsonschema

    import exchange

    schema = json.loads((Path(exchange.__file__).parent / "schema" / "portfolio-1.schema.json").read_text())
    with zipfile.ZipFile(path) as archive:
        for name in ("manifest.json", "chain.json", "decisions.json", earlier["chain"]["path"]):
            jsonschema.validate(json.loads(archive.read(name)), schema)


def test_a_changed_file_of_the_first_centre_in_a_re_export_is_named(at_b, tmp_path):
    path = _export(at_b, tmp_path, "from-b.zip")
    data = path.read_bytes()
    first = next(name for name in zipfile.ZipFile(path).namelist() if name.startswith("earlier/1/evidence/"))
    changed = tmp_path / "changed.zip"
    changed.write_bytes(rewrite(data, change={first: lambda body: body + b"x"}))
    report = check_zip(changed)
    assert f"Changed file: {first} does not match the SHA-256 recorded in chain entry" in " ".join(report.problems)
    with pytest.raises(CommandError):
        call_command("verify_portfolio", str(changed))

    def change_entry(body: bytes) -> bytes:
        chain = json.loads(body)
        chain["entries"][0]["content"] = chain["entries"][0]["content"].replace("1", "2", 1)
        return json.dumps(chain).encode()

    edited = tmp_path / "edited.zip"
    edited.write_bytes(rewrite(data, change={"earlier/1/chain.json": change_entry}))
    problems = check_zip(edited).problems
    assert any(problem.startswith("Changed file: earlier/1/chain.json") for problem in problems), problems
    assert "Earlier chain 1 (Northgate Training), entry 1: its content was changed" in " ".join(problems)


def test_a_third_centre_imports_the_re_export_with_both_centres_units_carried_over(
    world, signed, at_b, third_centre, tmp_path
):
    b_head, b_length = head_of(at_b.pk).head_hash, ChainEntry.objects.filter(registration_id=at_b.pk).count()
    a_head = head_of(signed.pk).head_hash
    path = _export(at_b, tmp_path, "from-b.zip")
    at_c = import_portfolio(
        actor=third_centre["admin"],
        centre=third_centre["centre"],
        archive=io.BytesIO(path.read_bytes()),
        learner=RegistrationInput(
            email=world.learner.email,
            full_name="",
            date_of_birth=at_b.date_of_birth,
            qualification=None,
            start_date=timezone.localdate(),
            planned_end_date=at_b.planned_end_date,
            assessor=third_centre["assessor"],
            iqa=third_centre["iqa"],
        ),
    )
    carried = {unit.unit.reference: unit for unit in ImportedUnit.objects.filter(registration=at_c.registration)}
    # Unit B was signed off at Northgate (and carried through Southbank), unit A at Southbank.
    assert carried[UNIT_B].centre_name == "Northgate Training"
    assert carried[UNIT_A].centre_name == "Southbank College"
    assert {s["name"] for s in carried[UNIT_B].signatures} == {world.learner.full_name, world.assessor.full_name}
    assert world.other_centre_assessor.full_name in {s["name"] for s in carried[UNIT_A].signatures}
    # The evidence files of both earlier centres are kept, each with its chain.
    parts = {file.part for file in ImportedEvidenceFile.objects.filter(registration=at_c.registration)}
    assert parts == {0, 1}
    assert [part["chain"]["head"] for part in at_c.parts()] == [a_head, b_head]
    imported_entry = json.loads(ChainEntry.objects.get(registration_id=at_c.registration_id, seq=1).content)
    assert imported_entry["chain_head"] == b_head and imported_entry["earlier"][0]["chain_head"] == a_head
    assert verify(at_c.registration).ok
    # At C every required criterion of both units is met.
    from portfolio.progress import unit_statuses

    assert all(status.complete for status in unit_statuses(at_c.registration) if status.unit.reference in carried)
    # The sending centres' records are unchanged.
    assert head_of(at_b.pk).head_hash == b_head
    assert ChainEntry.objects.filter(registration_id=at_b.pk).count() == b_length
    assert head_of(signed.pk).head_hash == a_head
    # And C can pass it on again: its export verifies with both earlier chains.
    again = _export(at_c.registration, tmp_path, "from-c.zip")
    report = check_zip(again)
    assert report.ok, report.problems
    assert [e["centre"]["name"] for e in report.manifest["earlier"]] == ["Northgate Training", "Southbank College"]
