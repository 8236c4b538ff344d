"""Database triggers that make the book's rows immutable even to bulk queries.

`Entry.save()`/`delete()` refuse changes, but `QuerySet.update()`/`.delete()` and raw
SQL bypass them. These triggers refuse, in the database itself:
- any UPDATE of an entry, on SQLite and PostgreSQL;
- any DELETE of an entry, on PostgreSQL (Django's test flush uses TRUNCATE there,
  which row triggers do not see; on SQLite the flush deletes rows, so only the
  model's `delete()` guards);
- any UPDATE of a transaction's accounting fields (kind, group, legs' source, key,
  reversal link) on PostgreSQL. Its date stays writable for imports and tests.

On SQLite, a later migration that alters ledger_entry rebuilds the table and loses the
trigger: such a migration must create it again (test_append_only.py would fail).
"""

from django.db import migrations

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'the ledger is append-only: ' || TG_OP || ' on ' || TG_TABLE_NAME
                || ' refused; post a reversal',
            ERRCODE = 'integrity_constraint_violation';
    END
    $$;
    """,
    """
    CREATE TRIGGER ledger_entry_append_only
    BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    """,
    """
    CREATE TRIGGER ledger_transaction_append_only
    BEFORE UPDATE OF group_id, kind, memo, source_type_id, source_id, idempotency_key,
        created_by_id, reverses_id
    ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    """,
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_transaction_append_only ON ledger_transaction;",
    "DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry;",
    "DROP FUNCTION IF EXISTS ledger_refuse_change();",
]
SQLITE_FORWARD = [
    """
    CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE on ledger_entry refused'); END;
    """,
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS ledger_entry_append_only;"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_leaner_indexes")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
