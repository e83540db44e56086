"""The portable portfolio and its checks: `manage.py verify_portfolio` refuses or flags each kind of tampering,
naming the file or chain entry."""

import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from exchange.checking import check_zip

from .helpers import _rewrite

pytestmark = pytest.mark.django_db


def _json_change(function):
    def change(data):
        document = json.loads(data)
        function(document)
        return json.dumps(document).encode()

    return change


def test_the_export_holds_the_whole_portfolio(exported, recorded):
    with zipfile.ZipFile(exported) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert {"manifest.json", "catalogue.json", "decisions.json", "chain.json", "verify.html"} <= names
    assert "evidence/1-v1/log.pdf" in names
    assert {"sheets/J-600-1003.pdf", "sheets/J-600-0658.pdf"} <= names
    assert manifest["learner"]["name"] == "Lena Learner"
    assert manifest["qualification"]["number"] == recorded.qualification.number
    assert manifest["chain"]["length"] == 6


def test_an_untouched_export_is_valid(exported, capsys):
    assert check_zip(exported).ok
    call_command("verify_portfolio", str(exported))
    assert "valid" in capsys.readouterr().out


def _problems(path) -> list[str]:
    report = check_zip(path)
    assert not report.ok
    with pytest.raises(CommandError):
        call_command("verify_portfolio", str(path))
    return report.problems


def test_a_changed_evidence_file_is_named(exported, tmp_path):
    changed = _rewrite(exported, tmp_path / "x.zip", change={"evidence/1-v1/log.pdf": lambda d: d[:-1] + b"X"})
    assert _problems(changed) == [
        "Changed file: evidence/1-v1/log.pdf does not match the SHA-256 recorded in chain entry 1."
    ]


def test_a_changed_decision_is_named(exported, tmp_path):
    def overturn(document):
        document["decisions"][-1]["content"]["is_met"] = False

    changed = _rewrite(exported, tmp_path / "x.zip", change={"decisions.json": _json_change(overturn)})
    problems = _problems(changed)
    assert any("Changed decision: Criterion decision" in p and "chain entry 6" in p for p in problems)


def test_a_removed_chain_entry_is_named(exported, tmp_path):
    changed = _rewrite(exported, tmp_path / "x.zip", change={"chain.json": _json_change(lambda d: d["entries"].pop(2))})
    assert any(p.startswith("Chain entry 3: removed or out of order") for p in _problems(changed))


def test_a_removed_last_chain_entry_is_named(exported, tmp_path):
    changed = _rewrite(exported, tmp_path / "x.zip", change={"chain.json": _json_change(lambda d: d["entries"].pop())})
    assert any(p.startswith("Chain entry 6: removed") for p in _problems(changed))


def test_reordered_chain_entries_are_named(exported, tmp_path):
    def swap(document):
        entries = document["entries"]
        entries[1], entries[2] = entries[2], entries[1]

    changed = _rewrite(exported, tmp_path / "x.zip", change={"chain.json": _json_change(swap)})
    assert any(p.startswith("Chain entry 2: removed or out of order") for p in _problems(changed))


def test_an_added_file_is_named(exported, tmp_path):
    changed = _rewrite(exported, tmp_path / "x.zip", add={"evidence/1-v1/extra.pdf": b"%PDF-1.4 extra"})
    assert _problems(changed) == ["Added file: evidence/1-v1/extra.pdf is not part of the exported portfolio."]


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/passwd", "evidence/../../x", "C:/windows/x", "a\\b"])
def test_a_zip_slip_path_is_refused(exported, tmp_path, name):
    changed = _rewrite(exported, tmp_path / "x.zip", add={name: b"x"})
    report = check_zip(changed)
    assert report.refused
    assert report.problems == [f"Unsafe path in the archive (it would be written outside its folder): {name}"]


def test_a_zip_bomb_is_refused(exported, tmp_path):
    changed = _rewrite(exported, tmp_path / "x.zip", add={"evidence/9-v1/zeros.bin": b"\0" * (20 * 1024 * 1024)})
    report = check_zip(changed)
    assert report.refused and report.problems[0].startswith("Zip bomb: evidence/9-v1/zeros.bin")


def test_a_zip_bomb_by_total_size_is_refused(exported, tmp_path, monkeypatch):
    monkeypatch.setattr("exchange.checking.MAX_TOTAL_BYTES", 1000)
    report = check_zip(exported)
    assert report.refused and "unpack to more than" in report.problems[0]


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError):
        call_command("verify_portfolio", str(path))


def test_the_export_matches_the_schema(exported):
    from pathlib import Path

    import jsonschema

    import exchange

    schema = json.loads((Path(exchange.__file__).parent / "schema" / "portfolio-1.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    with zipfile.ZipFile(exported) as archive:
        for name in ("manifest.json", "chain.json", "decisions.json"):
            jsonschema.validate(json.loads(archive.read(name)), schema)
