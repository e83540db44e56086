"""The audit history is append-only in the database too: triggers refuse UPDATE, DELETE and (on PostgreSQL)
TRUNCATE of the event table, whoever sends them (the application, a script, a console), with an error that says why.

The SQL is written out here, frozen with this migration. Only the test suite's flush between transactional tests
pauses these triggers (tests/conftest.py). On SQLite, a later migration that rebuilds the event
table (Django remakes SQLite tables to alter them) drops the triggers with the old table: it must install them
again (tests/centres/test_audit_append_only.py checks they are there after every migration)."""

from django.db import migrations

MESSAGE = "The audit history is append-only: %s of centres_event refused."

POSTGRESQL_INSTALL = [
    """
    CREATE FUNCTION centres_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'The audit history is append-only: % of centres_event refused.', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER centres_event_append_only BEFORE UPDATE OR DELETE ON centres_event
        FOR EACH ROW EXECUTE FUNCTION centres_event_refuse_change()
    """,
    """
    CREATE TRIGGER centres_event_no_truncate BEFORE TRUNCATE ON centres_event
        FOR EACH STATEMENT EXECUTE FUNCTION centres_event_refuse_change()
    """,
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS centres_event_no_truncate ON centres_event",
    "DROP TRIGGER IF EXISTS centres_event_append_only ON centres_event",
    "DROP FUNCTION IF EXISTS centres_event_refuse_change()",
]

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER centres_event_no_{operation.lower()} BEFORE {operation} ON centres_event
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE % operation}');
    END
    """
    for operation in ("UPDATE", "DELETE")
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS centres_event_no_update",
    "DROP TRIGGER IF EXISTS centres_event_no_delete",
]

STATEMENTS = {
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_REMOVE),
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
}


def _run(schema_editor, which: int) -> None:
    # Other databases (not supported for production) keep the refusal in Python (centres.models.EventQuerySet).
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for statement in statements[which]:
        schema_editor.execute(statement, params=None)  # no parameters: the % in the SQL is literal


def install(apps, schema_editor):
    _run(schema_editor, 0)


def remove(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0005_remove_membership_notes"),
    ]

    operations = [migrations.RunPython(install, remove)]
