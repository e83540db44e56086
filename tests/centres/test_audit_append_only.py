"""The audit history is append-only in the database itself: raw SQL cannot change or remove an event."""

import importlib

import pytest
from django.db import IntegrityError, connection, transaction

from centres.models import Event, record_event
from tests.factories import make_centre, make_user

# The migration's module name starts with a digit, so it is imported by name.
trigger_migration = importlib.import_module("centres.migrations.0006_event_append_only_trigger")

pytestmark = pytest.mark.django_db


def _trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'centres_event'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'centres_event'")
        return {row[0] for row in cursor.fetchall()}


def _event() -> Event:
    actor = make_user()
    return record_event(action="test.recorded", obj=actor, actor=actor, centre=make_centre(), summary="kept")


def _run_raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_triggers_are_installed_after_every_migration():
    expected = {
        "postgresql": {"centres_event_append_only", "centres_event_no_truncate"},
        "sqlite": {"centres_event_no_update", "centres_event_no_delete"},
    }[connection.vendor]
    assert _trigger_names() == expected


def test_raw_sql_update_of_an_event_is_refused():
    event = _event()
    with pytest.raises(IntegrityError, match="append-only: UPDATE of centres_event refused"):
        _run_raw("UPDATE centres_event SET summary = %s WHERE id = %s", ["rewritten", event.pk])
    assert Event.objects.get(pk=event.pk).summary == "kept"


def test_raw_sql_delete_of_an_event_is_refused():
    event = _event()
    with pytest.raises(IntegrityError, match="append-only: DELETE of centres_event refused"):
        _run_raw("DELETE FROM centres_event WHERE id = %s", [event.pk])
    assert Event.objects.filter(pk=event.pk).exists()


def test_truncating_the_history_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE and its triggers are PostgreSQL's; SQLite has no TRUNCATE")
    event = _event()
    # The event's foreign keys are checked at commit; check them now, or PostgreSQL refuses TRUNCATE for that.
    _run_raw("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError, match="append-only: TRUNCATE of centres_event refused"):
        _run_raw("TRUNCATE centres_event")
    assert Event.objects.filter(pk=event.pk).exists()


def test_adding_events_still_works_and_the_python_guard_stays():
    event = _event()
    assert Event.objects.filter(action="test.recorded").count() == 1
    with pytest.raises(TypeError, match="only ever added"):
        Event.objects.filter(pk=event.pk).delete()


def test_reversing_the_migration_removes_the_triggers_and_applying_it_restores_them():
    """Run inside the test's transaction (DDL rolls back on both databases), as the migration's two directions."""
    install, remove = trigger_migration.STATEMENTS[connection.vendor]
    event = _event()
    with connection.cursor() as cursor:
        for statement in remove:
            cursor.execute(statement)
    assert _trigger_names() == set()
    _run_raw("UPDATE centres_event SET summary = %s WHERE id = %s", ["changed while unguarded", event.pk])
    with connection.cursor() as cursor:
        for statement in install:
            cursor.execute(statement)
    assert len(_trigger_names()) == 2
    with pytest.raises(IntegrityError):
        _run_raw("DELETE FROM centres_event WHERE id = %s", [event.pk])
