"""The per-registration hash chain: appends in order, a check that names the first entry that does not match, and
the services above recording what they do."""

import pytest
from django.db import IntegrityError, connection, transaction

from ledger.hashing import canonical, sha256_text
from ledger.models import GENESIS, ChainEntry, ChainHead
from ledger.services import append, head_of, verify
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

pytestmark = pytest.mark.django_db


def _run_raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_entries_link_to_the_one_before_and_the_head_follows():
    first = append(7, "decision", "decision:1", {"criterion": "U1 1.1", "is_met": True})
    second = append(7, "decision", "decision:1", {"criterion": "U1 1.1", "is_met": False})
    assert (first.seq, second.seq) == (1, 2)
    assert first.previous_hash == GENESIS and second.previous_hash == first.entry_hash
    assert first.content == canonical({"is_met": True, "criterion": "U1 1.1"})
    assert first.content_hash == sha256_text(first.content)
    head = head_of(7)
    assert (head.length, head.head_hash) == (2, second.entry_hash)
    assert verify(7).ok and verify(7).head == second.entry_hash


def test_chains_of_two_registrations_are_separate():
    append(1, "link", "link:1", {"a": 1})
    entry = append(2, "link", "link:2", {"a": 2})
    assert entry.seq == 1 and entry.previous_hash == GENESIS


def _tamper(sql: str, params) -> None:
    """Change the chain behind the application's back, with the trigger out of the way (as an intruder would)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE ledger_chainentry DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE ledger_chainentry ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER ledger_chainentry_no_update")
            cursor.execute("DROP TRIGGER ledger_chainentry_no_delete")
            cursor.execute(sql, params)


def test_verify_names_the_first_changed_entry():
    for number in range(4):
        append(3, "decision", f"decision:{number}", {"n": number})
    _tamper("UPDATE ledger_chainentry SET content = %s WHERE registration_id = 3 AND seq = 2", ['{"n":99}'])
    check = verify(3)
    assert not check.ok and check.bad_seq == 2
    assert "Entry 2" in check.reason and "content" in check.reason


def test_verify_names_a_removed_entry():
    for number in range(3):
        append(4, "decision", f"decision:{number}", {"n": number})
    _tamper("DELETE FROM ledger_chainentry WHERE registration_id = 4 AND seq = 2", [])
    check = verify(4)
    assert check.bad_seq == 2 and "missing" in check.reason


def test_verify_names_a_removed_last_entry():
    for number in range(3):
        append(5, "decision", f"decision:{number}", {"n": number})
    _tamper("DELETE FROM ledger_chainentry WHERE registration_id = 5 AND seq = 3", [])
    assert verify(5).bad_seq == 3


def test_the_trigger_refuses_update_and_delete():
    entry = append(6, "decision", "decision:1", {"n": 1})
    with pytest.raises(IntegrityError, match="append-only: UPDATE of ledger_chainentry refused"):
        _run_raw("UPDATE ledger_chainentry SET content = %s WHERE id = %s", ["{}", entry.pk])
    with pytest.raises(IntegrityError, match="append-only: DELETE of ledger_chainentry refused"):
        _run_raw("DELETE FROM ledger_chainentry WHERE id = %s", [entry.pk])
    assert ChainEntry.objects.get(pk=entry.pk).content == '{"n":1}'
    with pytest.raises(TypeError, match="only ever added"):
        ChainEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(TypeError, match="only ever added"):
        entry.save()


def test_the_position_in_a_chain_is_unique():
    append(8, "decision", "decision:1", {"n": 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        ChainEntry.objects.create(
            registration_id=8, seq=1, kind="x", object_ref="x", content="{}", content_hash="", previous_hash="",
            entry_hash="",
        )  # fmt: skip


def test_services_record_files_links_versions_and_judgements(world):
    from portfolio.services.judgement import judge_link

    criteria = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.registration, criteria=criteria)
    link = evidence.links.get(criterion=criteria[0])
    judge_link(actor=world.assessor, link=link, accepted=True, feedback="Clear.")
    kinds = list(ChainEntry.objects.filter(registration_id=world.registration.pk).values_list("kind", flat=True))
    assert kinds == ["evidence_file", "link", "link", "evidence_version", "judgement"]
    file_entry = ChainEntry.objects.get(registration_id=world.registration.pk, kind="evidence_file")
    assert evidence.files.get().sha256 in file_entry.content
    assert verify(world.registration).ok
    assert ChainHead.objects.get(registration_id=world.registration.pk).length == 5
