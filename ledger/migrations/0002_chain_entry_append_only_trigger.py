"""The hash chain is append-only in the database too, as the audit history is (centres migration 0006): triggers
refuse UPDATE, DELETE and (on PostgreSQL) TRUNCATE of ledger_chainentry, whoever sends them. The SQL is frozen
here. A later migration that rebuilds the table on SQLite must install the triggers again."""

from django.db import migrations

TABLE = "ledger_chainentry"
MESSAGE = "The hash chain is append-only: %s of ledger_chainentry refused."

POSTGRESQL_INSTALL = [
    """
    CREATE FUNCTION ledger_chainentry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'The hash chain is append-only: % of ledger_chainentry refused.', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER ledger_chainentry_append_only BEFORE UPDATE OR DELETE ON ledger_chainentry
        FOR EACH ROW EXECUTE FUNCTION ledger_chainentry_refuse_change()
    """,
    """
    CREATE TRIGGER ledger_chainentry_no_truncate BEFORE TRUNCATE ON ledger_chainentry
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_chainentry_refuse_change()
    """,
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS ledger_chainentry_no_truncate ON ledger_chainentry",
    "DROP TRIGGER IF EXISTS ledger_chainentry_append_only ON ledger_chainentry",
    "DROP FUNCTION IF EXISTS ledger_chainentry_refuse_change()",
]

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER ledger_chainentry_no_{operation.lower()} BEFORE {operation} ON ledger_chainentry
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE % operation}');
    END
    """
    for operation in ("UPDATE", "DELETE")
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS ledger_chainentry_no_update",
    "DROP TRIGGER IF EXISTS ledger_chainentry_no_delete",
]

STATEMENTS = {
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_REMOVE),
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
}


def _run(schema_editor, which: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return  # other databases keep the refusal in Python (ledger.models.ChainEntryQuerySet)
    for statement in statements[which]:
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _run(schema_editor, 0)


def remove(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_chain")]

    operations = [migrations.RunPython(install, remove)]
