"""The chain kinds the apps above the portfolio record (plan, observation and review signatures, OTJ entries): an
export holding them is valid, matches the schema and lists them in decisions.json; a changed one is named; the
backfill writes them for registrations recorded before the ledger."""

import json
import zipfile
from pathlib import Path

import jsonschema
import pytest

import exchange
from exchange.backfill import backfill
from exchange.building import build_portfolio_zip
from exchange.checking import check_zip
from ledger.models import ChainEntry
from ledger.services import verify
from planning.services import plans as plan_services
from planning.services.plans import sign_plan, version_hash
from tests.exchange.helpers import _rewrite
from tests.planning.helpers import make_plan

pytestmark = pytest.mark.django_db


def _signed_plan(world):
    version = make_plan(world.registration)
    shown = version_hash(version)
    sign_plan(version=version, user=world.learner, expected_hash=shown)
    sign_plan(version=version, user=world.assessor, expected_hash=shown)
    return version


def test_an_export_with_plan_signatures_is_valid_and_lists_them(recorded, world, tmp_path):
    _signed_plan(world)
    path = tmp_path / "portfolio.zip"
    build_portfolio_zip(recorded, path)
    assert check_zip(path).ok
    schema = json.loads((Path(exchange.__file__).parent / "schema" / "portfolio-1.schema.json").read_text())
    with zipfile.ZipFile(path) as archive:
        for name in ("chain.json", "decisions.json"):
            jsonschema.validate(json.loads(archive.read(name)), schema)
        decisions = json.loads(archive.read("decisions.json"))["decisions"]
    signed = [d for d in decisions if d["kind"] == "plan_signature"]
    assert len(signed) == 2 and signed[0]["label"] == "Assessment plan signature"
    assert "plan_signature" in (Path(exchange.__file__).parent / "verifier" / "verify.html").read_text()

    def change(data):
        for decision in data["decisions"]:
            if decision["kind"] == "plan_signature":
                decision["content"]["name"] = "Someone else"
                break
        return data

    changed = tmp_path / "changed.zip"
    _rewrite(path, changed, change={"decisions.json": lambda raw: json.dumps(change(json.loads(raw))).encode()})
    report = check_zip(changed)
    assert not report.ok and any("plan-signature:" in problem for problem in report.problems)


def test_the_backfill_writes_plan_signatures_of_older_registrations(world, monkeypatch):
    monkeypatch.setattr(plan_services, "record_in_ledger", lambda kind, obj: None)  # before the ledger existed
    _signed_plan(world)
    assert not ChainEntry.objects.filter(registration_id=world.registration.pk).exists()
    backfill()
    kinds = list(ChainEntry.objects.filter(registration_id=world.registration.pk).values_list("kind", flat=True))
    assert kinds.count("plan_signature") == 2
    assert verify(world.registration).ok
